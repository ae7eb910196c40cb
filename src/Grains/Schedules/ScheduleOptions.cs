using System.ComponentModel.DataAnnotations;

namespace Pipeline.Grains.Schedules;

/// <summary>How schedules wake and catch up. Section "Pipeline:Schedules".</summary>
public sealed class ScheduleOptions
{
    public const string Section = "Pipeline:Schedules";

    /// <summary>
    /// A due tick older than this when the schedule wakes (the cluster was down, the silo restarting) is counted as
    /// missed, not run; a younger one still runs late. Zero runs only ticks the schedule woke for in time.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan CatchUpWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Period of the reminder that keeps a schedule alive across restarts (it must not be below Orleans'
    /// <c>ReminderOptions.MinimumReminderPeriod</c>, 1 minute by default). Between reminder ticks a grain timer fires
    /// at the exact occurrence.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many submitted jobs and missed ticks a schedule keeps for <c>schedule list</c>.</summary>
    [Range(1, 100)]
    public int History { get; set; } = 10;
}
