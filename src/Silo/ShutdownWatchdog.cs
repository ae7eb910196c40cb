using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Pipeline.Silo;

/// <summary>
/// The last resort of a bounded shutdown: when the host began to stop and the process is still there after
/// <see cref="ShutdownOptions.Timeout"/> (storage gone, a grain hanging in a write), it ends the process with
/// <see cref="ExitCode"/>. Disarmed when the host is disposed, so a host inside a longer-lived process (tests, the CLI)
/// does not take the process with it once it stopped.
/// </summary>
public sealed partial class ShutdownWatchdog(
    IHostApplicationLifetime lifetime, IOptions<ShutdownOptions> options, ILogger<ShutdownWatchdog> logger) : IHostedService, IDisposable
{
    /// <summary>The exit code of a process the watchdog ended (as timeout(1) uses).</summary>
    public const int ExitCode = 124;

    private readonly ManualResetEventSlim disarmed = new();
    private CancellationTokenRegistration stopping;
    private int armed;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Watchdog) stopping = lifetime.ApplicationStopping.Register(Arm);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        stopping.Dispose();
        disarmed.Set();
    }

    private void Arm()
    {
        if (Interlocked.Exchange(ref armed, 1) != 0) return;
        var bound = options.Value.Timeout;
        // A thread of its own: the thread pool may be what is stuck.
        var thread = new Thread(() =>
        {
            if (disarmed.Wait(bound)) return;
            LogForcedExit(logger, bound.TotalSeconds);
            Console.Error.WriteLine($"pipeline: shutdown did not finish within {bound.TotalSeconds:0} s; exiting with {ExitCode}.");
            Console.Error.Flush();
            if (OperatingSystem.IsLinux()) LibC.Exit(ExitCode);
            Environment.Exit(ExitCode);
        })
        {
            IsBackground = true,
            Name = "pipeline-shutdown-watchdog",
        };
        thread.Start();
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Shutdown did not finish within {Seconds} s: ending the process")]
    private static partial void LogForcedExit(ILogger logger, double seconds);
}
