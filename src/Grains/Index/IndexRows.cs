using Pipeline.Index.Embeddings;
using Pipeline.Index.Sharded;
using Pipeline.Storage;

namespace Pipeline.Grains.Index;

/// <summary>The rows of one index shard, gathered from its embedding shards: finite vectors to index, and the rows left out.</summary>
public sealed class IndexRows
{
    private IndexRows(float[] vectors, int dimension, IReadOnlyList<IndexRow> rows, IReadOnlyList<FailureRow> skipped)
    {
        Vectors = vectors;
        Dimension = dimension;
        Rows = rows;
        Skipped = skipped;
    }

    /// <summary>Row-major [Count, Dimension], finite values only.</summary>
    public float[] Vectors { get; }

    public int Dimension { get; }

    /// <summary>Which image each indexed row is.</summary>
    public IReadOnlyList<IndexRow> Rows { get; }

    public int Count => Rows.Count;

    /// <summary>Rows with NaN or infinite values (or beyond float16 when so stored), as failure records (stage <c>index</c>).</summary>
    public IReadOnlyList<FailureRow> Skipped { get; }

    /// <param name="float16Range">Rows are stored as float16 without normalisation (ip or l2): values beyond its range cannot be stored.</param>
    public static async Task<IndexRows> ReadAsync(EmbeddingOutput embeddings, int indexShard, IReadOnlyList<int> embeddingShards, bool float16Range,
        CancellationToken cancellationToken)
    {
        var markers = embeddings.Shards.ToDictionary(m => m.Shard);
        var parts = new List<EmbeddingShard>();
        foreach (int number in embeddingShards)
        {
            if (!markers.TryGetValue(number, out var marker))
                throw new InvalidDataException($"index shard {indexShard}: embedding shard {number} is not in {embeddings.Store.Location}/manifest.json (was the embed job rerun?).");
            parts.Add(await embeddings.ReadShardAsync(marker, cancellationToken));
        }
        int dimension = parts.FirstOrDefault(p => p.Rows > 0)?.Dimension ?? embeddings.Dimension ?? 1;
        var vectors = new float[checked(parts.Sum(p => (long)p.Rows) * dimension)];
        var rows = new List<IndexRow>();
        var skipped = new List<FailureRow>();
        foreach (var part in parts)
        {
            for (int r = 0; r < part.Rows; r++)
            {
                var vector = part.Row(r);
                if (Unusable(vector, float16Range) is { } problem)
                {
                    skipped.Add(new FailureRow
                    {
                        ImagePath = part.Metadata[r].ImagePath,
                        Stage = "index",
                        Error = $"embedding {problem} (embedding shard {part.Shard}, row {r}): not indexed",
                    });
                    continue;
                }
                vector.CopyTo(vectors.AsSpan(rows.Count * dimension));
                rows.Add(new IndexRow { ImagePath = part.Metadata[r].ImagePath, EmbeddingShard = part.Shard, EmbeddingRow = r });
            }
        }
        return new IndexRows(rows.Count * dimension == vectors.Length ? vectors : vectors[..(rows.Count * dimension)], dimension, rows, skipped);
    }

    private static string? Unusable(ReadOnlySpan<float> vector, bool float16Range)
    {
        foreach (float v in vector)
        {
            if (!float.IsFinite(v)) return "has NaN or infinite values";
            if (float16Range && Math.Abs(v) > (float)Half.MaxValue) return $"has values beyond float16's range ({v}): index it with --storage float32";
        }
        return null;
    }
}
