using Microsoft.Extensions.Configuration;
using Pipeline.Client.Hosting;
using Pipeline.Silo;

namespace Pipeline.Client.Commands;

/// <summary>
/// For the commands that only a cluster can answer (<c>jobs</c>, <c>cancel</c>, <c>retry</c>): in embedded mode a job
/// lives only in the process that runs it, so there is nothing to ask, and the command says so instead, before it
/// starts anything.
/// </summary>
public static class ClusterConnection
{
    public static string NeedsCluster(string command) =>
        $"refused: 'pipeline {command}' needs a cluster, and none is configured (embedded mode: a job lives only in the process " +
        "that runs it). Run pipeline-silo and set Pipeline__Cluster__Mode=Localhost (one machine) or AzureTable with " +
        "Pipeline__Cluster__ConnectionString. Without a cluster, 'pipeline status <job> --output <location>' reads a job from its output.";

    /// <summary>A client of the cluster, or null (with the refusal written) when no cluster is configured.</summary>
    public static async Task<PipelineRuntime?> ConnectAsync(string command, TextWriter error, CancellationToken cancellationToken)
    {
        if (!IsClusterConfigured())
        {
            await error.WriteLineAsync(NeedsCluster(command));
            return null;
        }
        var runtime = await PipelineRuntime.StartAsync(usesBlobPaths: false, cancellationToken);
        if (!runtime.Embedded) return runtime;
        await runtime.DisposeAsync();
        await error.WriteLineAsync(NeedsCluster(command));
        return null;
    }

    /// <summary>
    /// Whether a cluster mode is set, read from the sources <see cref="PipelineRuntime"/> reads (appsettings.json in the
    /// working directory, environment variables), so that refusing never starts an embedded silo just to stop it.
    /// Adapter point: replace with the runtime's own answer once Hosting exposes one.
    /// </summary>
    private static bool IsClusterConfigured()
    {
        var configuration = new ConfigurationManager();
        configuration.AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true).AddEnvironmentVariables();
        var cluster = configuration.GetSection(PipelineClusterOptions.Section).Get<PipelineClusterOptions>() ?? new PipelineClusterOptions();
        return cluster.Mode != ClusterMode.Embedded;
    }
}
