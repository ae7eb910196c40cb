namespace Pipeline.Storage.Tests.Azurite;

/// <summary>Tests that share the Azurite fixture.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
