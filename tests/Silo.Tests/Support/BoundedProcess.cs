using System.Diagnostics;

namespace Pipeline.Silo.Tests.Support;

/// <summary>Runs a prepared process to its end within a bound, stdin closed, stdout and stderr kept apart.</summary>
internal static class BoundedProcess
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(ProcessStartInfo info, TimeSpan timeout, string what)
    {
        info.UseShellExecute = false;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;
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
            Assert.Fail($"expected '{what}' to finish within {timeout.TotalSeconds:0} s; stderr so far:\n{await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
