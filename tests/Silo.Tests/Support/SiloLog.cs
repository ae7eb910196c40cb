using System.Globalization;

namespace Pipeline.Silo.Tests.Support;

/// <summary>
/// The silo logs cluster.sh keeps (<c>logs/silo-&lt;n&gt;.log</c>), read as entries: the console formatter writes a
/// header line that starts with the UTC time of day (<see cref="ClusterScript"/> sets the format) and the message on
/// the indented lines after it.
/// </summary>
internal static class SiloLog
{
    public sealed record Entry(string File, TimeSpan TimeOfDay, string Message);

    public static IReadOnlyList<Entry> Read(string logsFolder)
    {
        var entries = new List<Entry>();
        foreach (var file in Directory.GetFiles(logsFolder, "silo-*.log").Order())
        {
            var name = Path.GetFileName(file);
            TimeSpan? time = null;
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.Length > 13 && line[2] == ':' && line[12] == ' ' &&
                    TimeSpan.TryParseExact(line[..12], @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture, out var t))
                    time = t;
                else if (time is { } at && line.StartsWith("      ", StringComparison.Ordinal))
                    entries.Add(new Entry(name, at, line.Trim()));
            }
        }
        return entries;
    }

    /// <summary>Seconds from <paramref name="from"/> (a UTC instant) to a log time of day, across midnight too.</summary>
    public static TimeSpan Since(DateTimeOffset from, TimeSpan timeOfDay)
    {
        var delta = timeOfDay - from.UtcDateTime.TimeOfDay;
        if (delta < TimeSpan.FromHours(-12)) delta += TimeSpan.FromDays(1);
        return delta;
    }
}
