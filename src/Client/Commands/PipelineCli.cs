using System.CommandLine;

namespace Pipeline.Client.Commands;

/// <summary>The <c>pipeline</c> command tree, run so that every refusal and environment error ends as one message and exit 1.</summary>
public static class PipelineCli
{
    public static RootCommand CreateRoot() => new("pipeline: embeddings, kNN indices and image generation over Orleans")
    {
        EmbedCommand.Create(),
        IndexCommand.Create(),
        GenerateCommand.Create(),
        QueryCommand.Create(),
        DedupCommand.Create(),
        EvalCommand.Create(),
        StatusCommand.Create(),
        JobsCommand.Create(),
        CancelCommand.Create(),
        RetryCommand.Create(),
        ModelsCommand.Create(),
        DemoCommand.Create(),
        ScheduleCommand.Create(),
    };

    /// <summary>The console logger's setting (Microsoft.Extensions.Logging) that sends every level to stderr.</summary>
    private const string LogsToStderr = "Logging__Console__LogToStandardErrorThreshold";

    public static async Task<int> InvokeAsync(string[] args)
    {
        // stdout carries results (and --json documents) only: host logs go to stderr unless a user set otherwise.
        if (Environment.GetEnvironmentVariable(LogsToStderr) is null) Environment.SetEnvironmentVariable(LogsToStderr, "Trace");
        var parse = CreateRoot().Parse(args);
        try
        {
            // Exceptions reach the catch below instead of System.CommandLine's handler, which prints a stack trace.
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return CliErrors.Report(e, Console.Error);
        }
    }
}
