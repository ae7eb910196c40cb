namespace Pipeline.Infra.Tests.K8s;

/// <summary>The test classes that share one <see cref="ManifestValidator"/> (one npm install check per run).</summary>
[CollectionDefinition(Name)]
public sealed class ManifestValidatorCollection : ICollectionFixture<ManifestValidator>
{
    public const string Name = "k8s manifests";
}
