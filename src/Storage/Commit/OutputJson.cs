using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Storage.Commit;

/// <summary>JSON settings of every file a job writes: snake_case, indented, as Python readers expect.</summary>
public static class OutputJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static T Deserialize<T>(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new InvalidDataException($"empty {typeof(T).Name} document");
}
