using Pipeline.Index.Exact;
using Pipeline.Storage;

namespace Pipeline.Index.Sharded;

/// <summary>
/// Exact shards: the rows as an <c>.npy</c> matrix in the index's storage type (numpy reads it as is), searched by
/// <see cref="ExactIndex"/> once loaded.
/// </summary>
public sealed class ExactShardFormat : IShardIndexFormat
{
    public string Kind => "exact";

    public string FileExtension => "npy";

    public BuiltShard Build(float[] rows, int dimension, ShardBuildSettings settings, string localPath)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(settings);
        int count = rows.Length / dimension;
        using (var file = File.Create(localPath))
        {
            NpyWriter.Write(file, rows, count, dimension, settings.Storage == IndexStorage.Float16 ? NpyDType.Float16 : NpyDType.Float32);
        }
        // The index answers from the stored values (rounded to float16 when so stored), as a reopened shard does.
        return new BuiltShard(Open(localPath, new ShardShape(count, dimension, settings.Metric, settings.Storage, Parameters)), Parameters, [localPath]);
    }

    public IShardIndex Open(string localPath, ShardShape expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        float[] data;
        int[] shape;
        NpyDType dtype;
        try
        {
            using var file = File.OpenRead(localPath);
            (data, shape, dtype) = NpyReader.Read(file);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new InvalidDataException($"exact index shard {localPath} is corrupt: {e.Message}", e);
        }
        if (shape.Length != 2 || shape[0] != expected.Rows || shape[1] != expected.Dimension)
            throw new InvalidDataException(
                $"exact index shard {localPath} has shape [{string.Join(", ", shape)}], index.json says [{expected.Rows}, {expected.Dimension}].");
        var storage = dtype == NpyDType.Float16 ? IndexStorage.Float16 : IndexStorage.Float32;
        if (storage != expected.Storage)
            throw new InvalidDataException($"exact index shard {localPath} stores {IndexNames.Name(storage)}, index.json says {IndexNames.Name(expected.Storage)}.");
        return ExactIndex.Build(data, expected.Dimension, new ExactIndexOptions { Metric = expected.Metric, Storage = storage });
    }

    private static readonly IReadOnlyDictionary<string, long> Parameters = new Dictionary<string, long>();
}
