using System.Diagnostics;
using System.Text;

namespace Pipeline.Silo.Tests.Support;

/// <summary>
/// A host process as a supervisor runs it: started directly (no shell), its output kept, signalled by pid. Disposing
/// kills whatever is left of it.
/// </summary>
internal sealed class HostProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private HostProcess(Process process) => this.process = process;

    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    public string Output
    {
        get
        {
            lock (output) return output.ToString();
        }
    }

    public static HostProcess Start(string executable, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        // What the test process may have inherited must not decide how the host runs.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Pipeline__", StringComparison.Ordinal) || k == "PIPELINE_NO_RELAUNCH" || k == "GLIBC_TUNABLES").ToList())
            info.Environment.Remove(key);
        foreach (var (key, value) in environment) info.Environment[key] = value;

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var host = new HostProcess(process);
        DataReceivedEventHandler append = (_, e) =>
        {
            if (e.Data is null) return;
            lock (host.output) host.output.AppendLine(e.Data);
        };
        process.OutputDataReceived += append;
        process.ErrorDataReceived += append;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits for the exit; fails the test with the output when it did not come within the bound.</summary>
    public async Task<TimeSpan> WaitForExitAsync(TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{what}: expected pid {Pid} to exit within {timeout.TotalSeconds:0} s; it still runs. Output:\n{Output}");
        }
        return watch.Elapsed;
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
        process.Dispose();
    }
}
