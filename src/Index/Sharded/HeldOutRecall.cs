using Pipeline.Index.Exact;

namespace Pipeline.Index.Sharded;

/// <summary>
/// Recall@k of a shard index against exact search over the same rows, measured at build. The queries are a seeded
/// sample of the shard's own rows, each held out by leaving its own row out of both answers (search k + 1, drop the
/// query's row): the measurement of a query that is not in the index, without keeping rows out of it. The exact
/// answers are computed once, so one probe can measure several settings of an index (efSearch tuning).
/// </summary>
public sealed class HeldOutRecall
{
    private readonly int[] sample;
    private readonly float[] vectors;
    private readonly int dimension;
    private readonly int want;
    private readonly HashSet<long>[] expected;

    private HeldOutRecall(int[] sample, float[] vectors, int dimension, int want, HashSet<long>[] expected)
    {
        this.sample = sample;
        this.vectors = vectors;
        this.dimension = dimension;
        this.want = want;
        this.expected = expected;
    }

    /// <summary>The held-out queries measured.</summary>
    public int Queries => sample.Length;

    /// <summary>A probe of <paramref name="queries"/> rows; null when the shard has fewer than 2 rows or no queries were asked.</summary>
    public static HeldOutRecall? Prepare(float[] rows, int dimension, IndexMetric metric, int queries, int k = 10, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int count = rows.Length / dimension;
        if (count < 2 || queries <= 0) return null;
        int[] sample = Sample(count, Math.Min(queries, count), seed);
        var vectors = new float[sample.Length * dimension];
        for (int i = 0; i < sample.Length; i++)
            rows.AsSpan(sample[i] * dimension, dimension).CopyTo(vectors.AsSpan(i * dimension));
        int want = Math.Min(k, count - 1);
        using var exact = ExactIndex.Build(rows, dimension, new ExactIndexOptions { Metric = metric });
        var truth = exact.Search(vectors, dimension, want + 1);
        var expected = Enumerable.Range(0, sample.Length).Select(i => TopWithout(truth, i, sample[i], want).ToHashSet()).ToArray();
        return new HeldOutRecall(sample, vectors, dimension, want, expected);
    }

    /// <returns>Mean fraction of the exact top k found in the index's top k.</returns>
    public static double? Measure(IShardIndex index, float[] rows, int dimension, IndexMetric metric, int queries, int k = 10, int seed = 0) =>
        Prepare(rows, dimension, metric, queries, k, seed)?.Of(index);

    /// <summary>Recall@k of <paramref name="index"/> on this probe's queries.</summary>
    public double Of(IShardIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        var found = index.Search(vectors, dimension, want + 1);
        double sum = 0;
        for (int i = 0; i < sample.Length; i++)
            sum += TopWithout(found, i, sample[i], want).Count(expected[i].Contains) / (double)want;
        return sum / sample.Length;
    }

    private static IEnumerable<long> TopWithout(KnnResult result, int query, long own, int k) =>
        Enumerable.Range(0, result.K).Select(r => result.Index(query, r)).Where(row => row != own).Take(k);

    private static int[] Sample(int count, int take, int seed)
    {
        // A partial Fisher-Yates shuffle: distinct rows, the same for the same seed and row count.
        var random = new Random(seed);
        var rows = Enumerable.Range(0, count).ToArray();
        for (int i = 0; i < take; i++)
        {
            int j = random.Next(i, count);
            (rows[i], rows[j]) = (rows[j], rows[i]);
        }
        return rows[..take];
    }
}
