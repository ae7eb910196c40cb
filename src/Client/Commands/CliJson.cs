using System.Text.Json;
using Pipeline.Contracts.Jobs;

namespace Pipeline.Client.Commands;

/// <summary>What <c>--json</c> writes on stdout: one object per command (an array for <c>jobs</c>), snake_case, nothing else.</summary>
public static class CliJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    /// <summary>Any result document (query answers, dedup and eval summaries).</summary>
    public static void WriteDocument<T>(TextWriter output, T document) => output.WriteLine(JsonSerializer.Serialize(document, Options));

    public static void Write(TextWriter output, JobStatus status) => output.WriteLine(JsonSerializer.Serialize(JobStatusDocument.From(status), Options));

    public static void Write(TextWriter output, IEnumerable<JobStatus> statuses) =>
        output.WriteLine(JsonSerializer.Serialize(statuses.Select(JobStatusDocument.From).ToList(), Options));
}
