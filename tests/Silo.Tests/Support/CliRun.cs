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
        var info = new ProcessStartInfo(RepoPaths.CliExecutable) { WorkingDirectory = Path.GetTempPath() };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        // What the test process may have inherited must not decide where the CLI goes.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Pipeline__", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        var (exitCode, stdout, stderr) = await BoundedProcess.RunAsync(info, timeout, $"pipeline {string.Join(' ', args)}");
        return new Result(exitCode, stdout, stderr);
    }
}
