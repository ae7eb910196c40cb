using System.Text.RegularExpressions;

namespace Pipeline.Infra.Tests.Container;

/// <summary>
/// What can be checked of infra/container/Dockerfile.silo without a container engine: the stages, the build switch, the
/// entry point the publish output has, and that it agrees with the Kubernetes Deployment.
/// </summary>
public sealed partial class DockerfileSiloTests
{
    private static readonly string Dockerfile = File.ReadAllText(Path.Combine(RepositoryPaths.Container, "Dockerfile.silo"));

    [Fact]
    public void BuildsWithTheCudaBackendOnTheSdkAndRunsOnCudaRuntime()
    {
        Assert.Matches(@"(?m)^ARG TORCH_BACKEND=cuda$", Dockerfile);
        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/sdk:10\.0\S* AS build$", Dockerfile);
        Assert.Matches(@"(?m)^ARG RUNTIME_BASE=nvidia/cuda:12\.8\.\d+-runtime-ubuntu\d\d\.04$", Dockerfile);
        Assert.Matches(@"(?m)^FROM \$\{RUNTIME_BASE\} AS runtime$", Dockerfile);
        Assert.Contains("-p:TorchBackend=${TORCH_BACKEND}", Dockerfile, StringComparison.Ordinal);
        Assert.Contains("src/Silo/Silo.csproj", Dockerfile, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, "src", "Silo", "Silo.csproj")), "expected src/Silo/Silo.csproj");
    }

    [Fact]
    public void EntryPointIsThePublishedSiloAssembly()
    {
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"pipeline-silo.dll\"]", Dockerfile, StringComparison.Ordinal);
        var silo = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "Silo", "Silo.csproj"));
        Assert.Contains("<AssemblyName>pipeline-silo</AssemblyName>", silo, StringComparison.Ordinal);
    }

    [Fact]
    public void RuntimeStageHasEveryFrameworkTheSiloAsks()
    {
        // The silo's runtimeconfig.json from the last build (test.sh builds the solution first); the Orleans Dashboard
        // brings Microsoft.AspNetCore.App, so a plain .NET runtime image would not start it.
        var built = Directory.Exists(Path.Combine(RepositoryPaths.Root, "src", "Silo", "bin"))
            ? Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "src", "Silo", "bin"), "pipeline-silo.runtimeconfig.json", SearchOption.AllDirectories)
            : [];
        string[] frameworks = built.Length == 0
            ? ["Microsoft.NETCore.App", "Microsoft.AspNetCore.App"]
            : [.. System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(built[0]))!["runtimeOptions"]!["frameworks"]!.AsArray().Select(f => (string)f!["name"]!)];
        Assert.Contains("FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_IMAGE_TAG} AS dotnet", Dockerfile, StringComparison.Ordinal);
        foreach (var framework in frameworks)
        {
            Assert.True(Dockerfile.Contains($"grep -q '^{framework} 10\\.'", StringComparison.Ordinal),
                $"expected the runtime stage to check for {framework} 10 (the silo's runtimeconfig.json asks for it)");
        }
    }

    [Fact]
    public void RunsAsTheNonRootUserTheDeploymentExpects()
    {
        var user = UserLine().Match(Dockerfile);
        Assert.True(user.Success, "expected a numeric USER uid:gid in Dockerfile.silo");
        Assert.NotEqual("0", user.Groups[1].Value);
        var deployment = File.ReadAllText(Path.Combine(RepositoryPaths.K8s, "deployment.yaml"));
        Assert.Contains($"runAsUser: {user.Groups[1].Value}", deployment, StringComparison.Ordinal);
        Assert.Contains($"runAsGroup: {user.Groups[2].Value}", deployment, StringComparison.Ordinal);
    }

    [Fact]
    public void ExposesThePortsAndMemoryTuningTheSiloUses()
    {
        foreach (var port in new[] { "11111", "30000", "8080", "9464" })
        {
            Assert.Matches($@"(?m)^EXPOSE .*\b{port}\b", Dockerfile);
        }
        // NativeMemoryTuning re-executes the silo unless GLIBC_TUNABLES already carries its settings: set them in the image.
        var tuning = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "Silo", "NativeMemoryTuning.cs"));
        var tunables = TunablesConstant().Match(tuning);
        Assert.True(tunables.Success, "expected NativeMemoryTuning.Tunables in src/Silo/NativeMemoryTuning.cs");
        Assert.Contains($"GLIBC_TUNABLES={tunables.Groups[1].Value}", Dockerfile, StringComparison.Ordinal);
        Assert.Contains("Pipeline__Cluster__KubernetesHosting=true", Dockerfile, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"Tunables\s*=\s*""([^""]+)""")]
    private static partial Regex TunablesConstant();

    [GeneratedRegex(@"(?m)^USER (\d+):(\d+)$")]
    private static partial Regex UserLine();
}
