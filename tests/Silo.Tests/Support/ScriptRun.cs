using System.Diagnostics;

namespace Pipeline.Silo.Tests.Support;

/// <summary>Runs a script to its end with a bound, keeping stdout and stderr apart.</summary>
internal static class ScriptRun
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string script, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo("bash");
        info.ArgumentList.Add(script);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        return await BoundedProcess.RunAsync(info, timeout, $"{Path.GetFileName(script)} {string.Join(' ', args)}");
    }
}
