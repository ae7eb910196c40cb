using System.Diagnostics;

namespace Pipeline.Client.Tests;

/// <summary>Runs the real <c>pipeline</c> executable (built beside the tests) as a user would, capturing its output.</summary>
public static class CliRunner
{
    /// <summary>Variables no test inherits from the shell that runs it (they change what the CLI prints or talks to).</summary>
    private static readonly string[] Cleared = ["PIPELINE_DEBUG", "Pipeline__Cluster__Mode", "Pipeline__Cluster__ConnectionString"];

    public sealed record CliResult(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
    }

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string?>(), args);

    /// <param name="environment">Variables to set for the run; a null value removes the variable.</param>
    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "pipeline.dll");
        Assert.True(File.Exists(dll), $"expected the CLI at {dll}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var name in Cleared) start.Environment.Remove(name);
        foreach (var (name, value) in environment)
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"pipeline {string.Join(' ', args)} did not finish in 5 minutes");
        }
        return new CliResult(process.ExitCode, await output, await error);
    }
}
