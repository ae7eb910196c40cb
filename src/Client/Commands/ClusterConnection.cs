using Pipeline.Client.Hosting;

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
        if (!PipelineRuntime.IsClusterConfigured())
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
}
