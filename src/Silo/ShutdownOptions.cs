using System.ComponentModel.DataAnnotations;

namespace Pipeline.Silo;

/// <summary>How long a host may take to stop, whatever storage does. Section "Pipeline:Shutdown".</summary>
public sealed class ShutdownOptions
{
    public const string Section = "Pipeline:Shutdown";

    /// <summary>
    /// The bound from the stop signal to process exit. The host gets this minus <see cref="WatchdogGrace"/> to stop
    /// gracefully; a watchdog ends the process when the whole bound has passed.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:02", "01:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The part of <see cref="Timeout"/> kept back for the watchdog, after the host's own shutdown timeout.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan WatchdogGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>End the process when the host has not stopped within <see cref="Timeout"/> (off for hosts in a test process).</summary>
    public bool Watchdog { get; set; } = true;

    /// <summary>The host's graceful part of the bound.</summary>
    public TimeSpan HostTimeout => Timeout > WatchdogGrace ? Timeout - WatchdogGrace : Timeout / 2;
}
