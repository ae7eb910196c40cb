using System.Text;
using System.Text.Json;

namespace Pipeline.Grains.Generate;

/// <summary>
/// A generation task's payload (its <c>_plan/shard_&lt;n&gt;.txt</c>): one JSON line per prompt with the prompt's number in
/// the whole job, so seeds and image names never depend on how the prompts were sharded.
/// </summary>
public static class PromptPlan
{
    public sealed record Line(long Index, string Prompt);

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static byte[] Encode(IEnumerable<Line> lines) =>
        Encoding.UTF8.GetBytes(string.Join('\n', lines.Select(l => JsonSerializer.Serialize(l, Options))));

    public static IReadOnlyList<Line> Decode(byte[] payload) =>
        [.. Encoding.UTF8.GetString(payload).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonSerializer.Deserialize<Line>(l, Options) ?? throw new InvalidDataException($"plan line '{l}' is not a prompt"))];
}
