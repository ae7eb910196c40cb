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

    /// <summary>The document at <paramref name="key"/>, or null when there is none.</summary>
    public static async Task<T?> ReadIfPresentAsync<T>(IObjectStore store, string key, CancellationToken cancellationToken = default)
        where T : class =>
        await store.ReadAllBytesIfPresentAsync(key, cancellationToken) is { } bytes ? Deserialize<T>(bytes) : null;

    public static T Deserialize<T>(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new InvalidDataException($"empty {typeof(T).Name} document");
}
