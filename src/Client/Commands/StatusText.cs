using System.Globalization;
using Pipeline.Contracts.Jobs;

namespace Pipeline.Client.Commands;

/// <summary>How job status reads on the console.</summary>
public static class StatusText
{
    public static string Progress(JobStatus s) => string.Create(CultureInfo.InvariantCulture,
        $"[{s.JobId}] {s.State}: shards {s.CompletedShards}/{s.TotalShards} done, {s.RunningShards} running, {s.FailedShards} failed; " +
        $"images {s.EmbeddedImages + s.FailedImages}/{s.TotalImages} ({s.FailedImages} failed), {s.ImagesPerSecond:F1} images/s");

    public static string Summary(JobStatus s)
    {
        var lines = new List<string>
        {
            $"job:       {s.JobId}",
            $"state:     {s.State}",
            $"shards:    {s.CompletedShards} committed, {s.FailedShards} failed, {s.RunningShards} running, {s.TotalShards} in all",
            string.Create(CultureInfo.InvariantCulture, $"images:    {s.EmbeddedImages} embedded, {s.FailedImages} failed, {s.TotalImages} in all"),
            string.Create(CultureInfo.InvariantCulture, $"speed:     {s.ImagesPerSecond:F1} images/s"),
        };
        if (s.Output is not null) lines.Add($"output:    {s.Output}");
        if (s.Error is not null) lines.Add($"error:     {s.Error}");
        return string.Join(Environment.NewLine, lines);
    }
}
