using System.Diagnostics;
using System.Text.Json;

namespace Pipeline.Silo.Tests.Support;

/// <summary>Runs the built <c>pipeline</c> CLI as a user does: its own process, only the given environment's Pipeline settings.</summary>
internal static class CliRun
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public JsonElement Json()
        {
            try
            {
                return JsonDocument.Parse(Stdout).RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new InvalidOperationException($"expected one JSON object on stdout ({e.Message}); exit code {ExitCode}, stdout:\n{Stdout}\nstderr:\n{Stderr}");
            }
        }

        public override string ToString() => $"exit code {ExitCode}; stdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    public static async Task<Result> RunAsync(IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo(RepoPaths.CliExecutable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        // What the test process may have inherited must not decide where the CLI goes.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Pipeline__", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"expected 'pipeline {string.Join(' ', args)}' to finish within {timeout.TotalSeconds:0} s; stderr so far:\n{await stderr}");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
