using Parquet;
using Parquet.Serialization;

namespace Pipeline.Storage;

/// <summary>
/// Typed parquet files through Parquet.Net's <see cref="ParquetSerializer"/>: public properties of <typeparamref
/// name="T"/> become columns, named by <c>[JsonPropertyName]</c> when present. Snappy compression: Parquet.Net's Zstd
/// default is 20-30x slower here, and every parquet reader decodes Snappy.
/// </summary>
public static class ParquetFiles
{
    /// <summary>The options every file is written with.</summary>
    public static ParquetOptions WriteOptions() => new() { CompressionMethod = CompressionMethod.Snappy };

    /// <summary>Writes <paramref name="rows"/> as one parquet file to <paramref name="s"/> (zero rows give a valid, empty file).</summary>
    public static async Task WriteAsync<T>(Stream s, IReadOnlyList<T> rows, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(rows);
        await ParquetSerializer.SerializeAsync(rows, s, WriteOptions(), null, ct);
    }

    /// <summary>Reads every row of the parquet file in <paramref name="s"/> (the stream must be seekable).</summary>
    public static async Task<IReadOnlyList<T>> ReadAsync<T>(Stream s, CancellationToken ct = default)
        where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(s);
        var rows = await ParquetSerializer.DeserializeAsync<T>(s, null, null, ct);
        return rows.Data as IReadOnlyList<T> ?? [.. rows.Data];
    }
}
