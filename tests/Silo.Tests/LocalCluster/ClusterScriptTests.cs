using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipeline.Client.Hosting;
using Pipeline.Silo.Tests.Support;

namespace Pipeline.Silo.Tests.LocalCluster;

/// <summary>
/// infra/local-cluster/cluster.sh end to end: <c>up</c> prints only exports that reach the cluster, <c>pids</c> names
/// live silo processes (the pids a supervisor signals), and <c>down</c> leaves none of them running. Uses the
/// executables this test build made (<c>--no-build</c>) and a state folder of its own.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ClusterScriptTests
{
    private static readonly TimeSpan UpTimeout = TimeSpan.FromMinutes(6);
    private static readonly string[] Exported = ["Pipeline__Cluster__Mode", "Pipeline__Cluster__ConnectionString", "Pipeline__Storage__ConnectionString"];

    [Fact]
    public async Task UpPidsDownRunsAndStopsATwoSiloCluster()
    {
        var state = Path.Combine(Path.GetTempPath(), "pipeline-cluster-test-" + Guid.NewGuid().ToString("N")[..8]);
        var environment = new Dictionary<string, string> { ["PIPELINE_CLUSTER_STATE"] = state };
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Parent!.Name;
        IReadOnlyList<int> pids = [];
        try
        {
            var up = await ScriptRun.RunAsync(RepoPaths.ClusterScript, environment, UpTimeout,
                "up", "--silos", "2", "--slots", "0", "--no-build", "--configuration", configuration);
            Assert.True(up.ExitCode == 0, $"expected cluster.sh up to succeed, exit code {up.ExitCode}. stderr:\n{up.Stderr}");

            var exports = ClusterScript.ParseExports(up.Stdout);
            Assert.True(Exported.All(exports.ContainsKey), $"expected exports of {string.Join(", ", Exported)}; stdout was:\n{up.Stdout}");
            Assert.Equal("AzureTable", exports["Pipeline__Cluster__Mode"]);
            Assert.Contains("dashboard http://127.0.0.1:", up.Stderr, StringComparison.Ordinal);
            Assert.Contains("prometheus http://127.0.0.1:", up.Stderr, StringComparison.Ordinal);

            var listed = await ScriptRun.RunAsync(RepoPaths.ClusterScript, environment, TimeSpan.FromSeconds(30), "pids");
            pids = listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
            Assert.True(pids.Count == 2, $"expected 2 silo pids, cluster.sh pids printed:\n{listed.Stdout}");
            foreach (var pid in pids)
            {
                Assert.True(Posix.IsAlive(pid), $"expected silo pid {pid} to run");
                var exe = new FileInfo($"/proc/{pid}/exe").LinkTarget;
                Assert.True(exe?.EndsWith("pipeline-silo", StringComparison.Ordinal) == true, $"expected pid {pid} to be pipeline-silo itself, it runs {exe}");
                Assert.True(Posix.Children(pid).Count == 0, $"expected silo pid {pid} to have no child processes");
            }

            Assert.Equal(2, await ActiveSilosAsync(exports));

            var down = await ScriptRun.RunAsync(RepoPaths.ClusterScript, environment, TimeSpan.FromMinutes(2), "down");
            Assert.True(down.ExitCode == 0, $"expected cluster.sh down to succeed, exit code {down.ExitCode}. stderr:\n{down.Stderr}");
            await Poll.UntilAsync(() => pids.All(p => !Posix.IsAlive(p)), TimeSpan.FromSeconds(10),
                () => $"expected no silo to run after down; alive: {string.Join(", ", pids.Where(Posix.IsAlive))}");
        }
        finally
        {
            await ScriptRun.RunAsync(RepoPaths.ClusterScript, environment, TimeSpan.FromMinutes(2), "down");
            foreach (var pid in pids.Where(Posix.IsAlive)) Posix.Signal(pid, Posix.SigKill);
            if (Directory.Exists(state)) Directory.Delete(state, recursive: true);
        }
    }

    /// <summary>What the `pipeline` CLI does with those exports: an Orleans client in AzureTable mode, asked for active silos.</summary>
    private static async Task<int> ActiveSilosAsync(IReadOnlyDictionary<string, string> exports)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(exports.Select(e => KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), (string?)e.Value)));
        builder.UseOrleansClient(client => client.AddPipelineClusterClient(builder.Configuration));
        using var host = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StartAsync(timeout.Token);
        var hosts = await host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        await host.StopAsync(timeout.Token);
        return hosts.Count;
    }
}
