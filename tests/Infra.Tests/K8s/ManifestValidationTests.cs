using System.Text.Json.Nodes;

namespace Pipeline.Infra.Tests.K8s;

/// <summary>
/// Every manifest under infra/k8s passes the Kubernetes schemas with strict fields, and the validator refuses broken
/// ones (built from the real Deployment) with a message that names the field.
/// </summary>
[Collection(ManifestValidatorCollection.Name)]
public sealed class ManifestValidationTests(ManifestValidator validator) : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("pipeline-k8s-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public void EveryManifestIsValidAndListedInTheKustomization()
    {
        var (exitCode, output) = validator.Validate(RepositoryPaths.K8s);
        Assert.True(exitCode == 0, $"expected infra/k8s to validate (exit 0), seen exit {exitCode}:\n{output}");

        var report = validator.Report(RepositoryPaths.K8s);
        var validated = report["documents"]!.AsArray().Select(d => Path.GetFileName((string)d!["file"]!)).ToHashSet(StringComparer.Ordinal);
        var onDisk = Directory.GetFiles(RepositoryPaths.K8s, "*.yaml").Select(Path.GetFileName).ToList();
        var unlisted = onDisk.Where(f => !validated.Contains(f!)).ToList();
        Assert.True(unlisted.Count == 0, $"expected every manifest in infra/k8s to be in kustomization.yaml's resources, not listed: {string.Join(", ", unlisted)}");
        string[] kinds = ["Namespace", "ServiceAccount", "Role", "RoleBinding", "Deployment", "PodDisruptionBudget", "Service"];
        var seenKinds = report["documents"]!.AsArray().Select(d => (string?)d!["kind"]).ToHashSet();
        Assert.All(kinds, k => Assert.True(seenKinds.Contains(k), $"expected a {k} in infra/k8s, kinds seen: {string.Join(", ", seenKinds)}"));
        Assert.DoesNotContain("Secret", seenKinds);
        Assert.Equal("5.1.0", (string?)report["tools"]!["kubernetes-models"]);
    }

    public static TheoryData<string, string, string> BrokenDeployments() => new()
    {
        // name, replace this text of deployment.yaml, with this; the validator's message must contain the last column
        { "replicas-as-text", "replicas: 2", "replicas: \"three\"" },
        { "unknown-container-field", "          imagePullPolicy: IfNotPresent", "          imagePullPolicy: IfNotPresent\n          gpus: 1" },
        { "unknown-resources-field", "          resources:\n", "          resources:\n            gpu: 1\n" },
        { "bad-enum", "imagePullPolicy: IfNotPresent", "imagePullPolicy: Sometimes" },
        { "env-without-name", "            - name: Pipeline__Workers__Slots\n              value: \"1\"", "            - value: \"1\"" },
        { "selector-mismatch", "  selector:\n    matchLabels:\n      app.kubernetes.io/name: pipeline-silo", "  selector:\n    matchLabels:\n      app.kubernetes.io/name: something-else" },
        { "probe-on-undeclared-port", "              port: gateway", "              port: gateways" },
        { "secret-ref-typo", "                secretKeyRef:\n                  name: pipeline-storage\n                  key: cluster-connection-string", "                secretKeyRef:\n                  nam: pipeline-storage\n                  key: cluster-connection-string" },
    };

    private static readonly Dictionary<string, string> ExpectedMessage = new()
    {
        ["replicas-as-text"] = "spec.replicas: must be integer",
        ["unknown-container-field"] = "spec.template.spec.containers[0].gpus: unknown field \"gpus\"",
        ["unknown-resources-field"] = "spec.template.spec.containers[0].resources.gpu: unknown field \"gpu\"",
        ["bad-enum"] = "spec.template.spec.containers[0].imagePullPolicy: must be equal to one of the allowed values",
        ["env-without-name"] = "must have required property name",
        ["selector-mismatch"] = "spec.selector.matchLabels.app.kubernetes.io/name: selector does not match template labels",
        ["probe-on-undeclared-port"] = "readinessProbe.tcpSocket.port: names port \"gateways\"",
        ["secret-ref-typo"] = "secretKeyRef.nam: unknown field \"nam\"",
    };

    [Theory]
    [MemberData(nameof(BrokenDeployments))]
    public void BrokenDeploymentIsRejectedNamingTheField(string name, string find, string replace)
    {
        var original = File.ReadAllText(Path.Combine(RepositoryPaths.K8s, "deployment.yaml"));
        Assert.True(original.Contains(find, StringComparison.Ordinal), $"{name}: expected deployment.yaml to contain the text to break:\n{find}");
        var broken = Path.Combine(_scratch, $"{name}.yaml");
        File.WriteAllText(broken, original.Replace(find, replace, StringComparison.Ordinal));

        var (exitCode, output) = validator.Validate(broken);
        Assert.True(exitCode == 1, $"{name}: expected the validator to reject the manifest (exit 1), seen exit {exitCode}:\n{output}");
        Assert.True(output.Contains(ExpectedMessage[name], StringComparison.Ordinal),
            $"{name}: expected a message containing '{ExpectedMessage[name]}', seen:\n{output}");
    }

    [Fact]
    public void UnknownKindsMalformedYamlAndBadKustomizationsAreRejected()
    {
        var file = Path.Combine(_scratch, "other.yaml");
        File.WriteAllText(file, "apiVersion: v1\nkind: Frobnicator\nmetadata:\n  name: f\n---\nkey: [unclosed\n");
        var (exitCode, output) = validator.Validate(file);
        Assert.True(exitCode == 1, $"expected exit 1, seen {exitCode}:\n{output}");
        Assert.Contains("v1 Frobnicator is not a resource kubernetes-models", output, StringComparison.Ordinal);
        Assert.Contains("YAML:", output, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(_scratch, "kustomization.yaml"),
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - missing.yaml\nresourcez: []\n");
        (exitCode, output) = validator.Validate(_scratch);
        Assert.True(exitCode == 1, $"expected exit 1, seen {exitCode}:\n{output}");
        Assert.Contains("resources[0]: missing.yaml does not exist", output, StringComparison.Ordinal);
        Assert.Contains("resourcez: unknown field", output, StringComparison.Ordinal);

        var report = validator.Report(file);
        Assert.False((bool)report["ok"]!);
        Assert.IsType<JsonArray>(report["documents"]);
    }
}
