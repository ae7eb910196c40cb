using System.Globalization;
using System.Text.Json.Nodes;

namespace Pipeline.Infra.Tests.K8s;

/// <summary>
/// What the silo Deployment must say beyond the schema: secrets by reference, one GPU and one worker per pod, what
/// Orleans' Kubernetes hosting needs, and ports, probes and shutdown that agree with each other.
/// </summary>
[Collection(ManifestValidatorCollection.Name)]
public sealed class SiloDeploymentTests
{
    private readonly JsonObject[] _objects;

    public SiloDeploymentTests(ManifestValidator validator)
    {
        var report = validator.Report(RepositoryPaths.K8s);
        Assert.True((bool)report["ok"]!, $"expected infra/k8s to validate, seen:\n{report.ToJsonString()}");
        _objects = [.. report["documents"]!.AsArray().Select(d => d!["object"]!.AsObject())];
    }

    private JsonObject Single(string kind) => Assert.Single(_objects, o => (string?)o["kind"] == kind);

    private JsonObject Deployment => Single("Deployment");

    private JsonObject PodTemplate => Deployment["spec"]!["template"]!.AsObject();

    private JsonObject Silo => Assert.Single(PodTemplate["spec"]!["containers"]!.AsArray())!.AsObject();

    private Dictionary<string, JsonObject> Env =>
        Silo["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => e!.AsObject(), StringComparer.Ordinal);

    private string EnvValue(string name) =>
        Env.TryGetValue(name, out var e) && e["value"] is JsonValue v ? (string)v! : throw new Xunit.Sdk.XunitException($"expected env {name} with a literal value, seen: {e?.ToJsonString() ?? "none"}");

    [Theory]
    [InlineData("Pipeline__Cluster__ConnectionString", "cluster-connection-string")]
    [InlineData("Pipeline__Storage__ConnectionString", "storage-connection-string")]
    public void ConnectionStringsComeFromTheSecretByReference(string variable, string key)
    {
        Assert.True(Env.TryGetValue(variable, out var env), $"expected env {variable} in the silo container");
        Assert.Null(env["value"]);
        var reference = env["valueFrom"]?["secretKeyRef"];
        Assert.True(reference is not null, $"expected {variable} from valueFrom.secretKeyRef, seen: {env.ToJsonString()}");
        Assert.Equal(("pipeline-storage", key), ((string?)reference["name"], (string?)reference["key"]));
        Assert.Null(reference["optional"]);
        var literals = Env.Values.Select(e => (string?)e["value"] ?? "").Where(v => v.Contains("AccountKey=", StringComparison.OrdinalIgnoreCase) || v.Contains("SharedAccessSignature", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(literals);
    }

    [Fact]
    public void EachPodRequestsOneGpuAndRunsOneWorkerOnIt()
    {
        var resources = Silo["resources"]!;
        Assert.Equal("1", resources["requests"]?["nvidia.com/gpu"]?.ToString());
        Assert.Equal("1", resources["limits"]?["nvidia.com/gpu"]?.ToString());
        Assert.Equal("1", EnvValue("Pipeline__Workers__Slots"));
        Assert.Equal("cuda", EnvValue("Pipeline__Workers__Device"));
        Assert.Equal("0", Deployment["spec"]!["strategy"]!["rollingUpdate"]!["maxSurge"]!.ToString());
    }

    [Fact]
    public void OrleansKubernetesHostingGetsItsLabelsEnvironmentAndPodPermissions()
    {
        var labels = PodTemplate["metadata"]!["labels"]!;
        var serviceId = (string?)labels["orleans/serviceId"];
        var clusterId = (string?)labels["orleans/clusterId"];
        Assert.False(string.IsNullOrEmpty(serviceId), "expected the pod label orleans/serviceId");
        Assert.False(string.IsNullOrEmpty(clusterId), "expected the pod label orleans/clusterId");
        Assert.Equal(("AzureTable", "true"), (EnvValue("Pipeline__Cluster__Mode"), EnvValue("Pipeline__Cluster__KubernetesHosting")));
        Assert.Equal((serviceId, clusterId), (EnvValue("Pipeline__Cluster__ServiceId"), EnvValue("Pipeline__Cluster__ClusterId")));

        var fieldRefs = new Dictionary<string, string>
        {
            ["POD_NAME"] = "metadata.name",
            ["POD_NAMESPACE"] = "metadata.namespace",
            ["POD_IP"] = "status.podIP",
            ["ORLEANS_SERVICE_ID"] = "metadata.labels['orleans/serviceId']",
            ["ORLEANS_CLUSTER_ID"] = "metadata.labels['orleans/clusterId']",
        };
        foreach (var (variable, path) in fieldRefs)
        {
            Assert.True(Env.TryGetValue(variable, out var env), $"expected env {variable} from the downward API");
            Assert.Equal(path, (string?)env["valueFrom"]?["fieldRef"]?["fieldPath"]);
        }

        var account = (string?)PodTemplate["spec"]!["serviceAccountName"];
        var role = Single("Role");
        var binding = Single("RoleBinding");
        var ns = (string?)Deployment["metadata"]!["namespace"];
        Assert.All(_objects.Where(o => (string?)o["kind"] is not ("Namespace" or "Kustomization")), o => Assert.Equal(ns, (string?)o["metadata"]!["namespace"]));
        Assert.Equal(ns, (string?)Single("Namespace")["metadata"]!["name"]);
        Assert.Equal(account, (string?)Single("ServiceAccount")["metadata"]!["name"]);
        var subject = Assert.Single(binding["subjects"]!.AsArray())!;
        Assert.Equal(("ServiceAccount", account, ns), ((string?)subject["kind"], (string?)subject["name"], (string?)subject["namespace"]));
        Assert.Equal(("Role", (string?)role["metadata"]!["name"]), ((string?)binding["roleRef"]!["kind"], (string?)binding["roleRef"]!["name"]));
        var rule = Assert.Single(role["rules"]!.AsArray())!;
        Assert.Equal([""], rule["apiGroups"]!.AsArray().Select(g => (string?)g));
        Assert.Equal(["pods"], rule["resources"]!.AsArray().Select(r => (string?)r));
        var verbs = rule["verbs"]!.AsArray().Select(v => (string)v!).ToHashSet();
        Assert.True(verbs.SetEquals(["get", "list", "watch", "delete"]), $"expected pods get/list/watch/delete, seen: {string.Join(", ", verbs)}");
    }

    [Fact]
    public void PortsProbesAnnotationsAndShutdownAgree()
    {
        var ports = Silo["ports"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => (int)p!["containerPort"]!);
        Assert.Equal(new Dictionary<string, int> { ["silo"] = 11111, ["gateway"] = 30000, ["dashboard"] = 8080, ["metrics"] = 9464 }, ports);
        Assert.Equal((ports["silo"].ToString(CultureInfo.InvariantCulture), ports["gateway"].ToString(CultureInfo.InvariantCulture)),
            (EnvValue("Pipeline__Cluster__SiloPort"), EnvValue("Pipeline__Cluster__GatewayPort")));
        Assert.Equal((ports["dashboard"].ToString(CultureInfo.InvariantCulture), ports["metrics"].ToString(CultureInfo.InvariantCulture), "0.0.0.0"),
            (EnvValue("Pipeline__Telemetry__DashboardPort"), EnvValue("Pipeline__Telemetry__PrometheusPort"), EnvValue("Pipeline__Telemetry__Address")));

        var annotations = PodTemplate["metadata"]!["annotations"]!;
        Assert.Equal(("true", ports["metrics"].ToString(CultureInfo.InvariantCulture), "/metrics"),
            ((string?)annotations["prometheus.io/scrape"], (string?)annotations["prometheus.io/port"], (string?)annotations["prometheus.io/path"]));

        foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
        {
            Assert.True(Silo[probe]?["tcpSocket"]?["port"] is not null, $"expected a TCP {probe} on a silo port");
        }

        // The silo's own bound (ShutdownOptions.Timeout) ends the process before the kubelet's SIGKILL.
        var grace = TimeSpan.FromSeconds((int)PodTemplate["spec"]!["terminationGracePeriodSeconds"]!);
        var shutdown = TimeSpan.Parse(EnvValue("Pipeline__Shutdown__Timeout"), CultureInfo.InvariantCulture);
        Assert.True(shutdown < grace && grace <= TimeSpan.FromSeconds(60) && grace - shutdown <= TimeSpan.FromSeconds(10),
            $"expected Pipeline__Shutdown__Timeout a few seconds under terminationGracePeriodSeconds (~45 s), seen {shutdown} and {grace}");
    }

    [Fact]
    public void DisruptionBudgetServiceAndImageSelectTheSilos()
    {
        var templateLabels = PodTemplate["metadata"]!["labels"]!.AsObject();
        foreach (var (kind, selector) in new[]
        {
            ("PodDisruptionBudget", Single("PodDisruptionBudget")["spec"]!["selector"]!["matchLabels"]!.AsObject()),
            ("Service", Single("Service")["spec"]!["selector"]!.AsObject()),
        })
        {
            var mismatched = selector.Where(kv => (string?)templateLabels[kv.Key] != (string?)kv.Value).Select(kv => kv.Key).ToList();
            Assert.True(selector.Count > 0 && mismatched.Count == 0, $"expected the {kind} selector to match the silo pods' labels, mismatched: {string.Join(", ", mismatched)}");
        }
        Assert.Equal(1, (int)Single("PodDisruptionBudget")["spec"]!["maxUnavailable"]!);

        var servicePorts = Single("Service")["spec"]!["ports"]!.AsArray().Select(p => (string?)p!["targetPort"]).ToList();
        var containerPorts = Silo["ports"]!.AsArray().Select(p => (string?)p!["name"]).ToHashSet();
        Assert.All(servicePorts, p => Assert.Contains(p, containerPorts));

        var kustomization = Single("Kustomization");
        var image = Assert.Single(kustomization["images"]!.AsArray())!;
        Assert.Equal((string?)image["name"], (string?)Silo["image"]);
    }
}
