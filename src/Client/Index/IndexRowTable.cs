using Pipeline.Index.Sharded;
using Pipeline.Storage;

namespace Pipeline.Client.Index;

/// <summary>
/// Every row of a sharded index in one numbering: global row = the shard's offset + its row, shards in order. Holds
/// each row's image path and where its embedding is, read from the shards' <c>rows.parquet</c>.
/// </summary>
public sealed class IndexRowTable
{
    private IndexRowTable(IndexManifest manifest, long[] offsets, IReadOnlyList<IndexRow> rows)
    {
        Manifest = manifest;
        Offsets = offsets;
        Rows = rows;
    }

    public IndexManifest Manifest { get; }

    /// <summary>The global number of each shard's row 0, by position in <see cref="IndexManifest.Shards"/>.</summary>
    public long[] Offsets { get; }

    public IReadOnlyList<IndexRow> Rows { get; }

    public long Global(int shard, int row) => Offsets[ShardPosition(shard)] + row;

    public static async Task<IndexRowTable> ReadAsync(IObjectStore index, CancellationToken cancellationToken)
    {
        var manifest = await IndexManifests.ReadAsync(index, cancellationToken);
        var offsets = new long[manifest.Shards.Count];
        var rows = new List<IndexRow>();
        for (int i = 0; i < manifest.Shards.Count; i++)
        {
            var shard = manifest.Shards[i];
            offsets[i] = rows.Count;
            using var file = new MemoryStream(await index.ReadAllBytesAsync(shard.RowsFile, cancellationToken));
            var part = await ParquetFiles.ReadAsync<IndexRow>(file, cancellationToken);
            if (part.Count != shard.Rows)
                throw new InvalidDataException($"index shard {shard.Shard}: {shard.RowsFile} has {part.Count} rows, index.json says {shard.Rows}.");
            rows.AddRange(part);
        }
        return new IndexRowTable(manifest, offsets, rows);
    }

    private int ShardPosition(int shard)
    {
        for (int i = 0; i < Manifest.Shards.Count; i++)
            if (Manifest.Shards[i].Shard == shard) return i;
        throw new ArgumentException($"the index has no shard {shard}.", nameof(shard));
    }
}
