using Pipeline.Index.Exact;

namespace Pipeline.Index.Sharded;

/// <summary>
/// Recall@k of a shard index against exact search over the same rows, measured at build. The queries are a seeded
/// sample of the shard's own rows, held out one of two ways; the exact answers are computed once, so one probe can
/// measure several settings of an index (efSearch tuning).
/// <list type="bullet">
/// <item><see cref="Prepare"/>: each query's own row is left out of both answers (search k + 1, drop the query's
/// row), without keeping rows out of the index. An approximate index finds a row it holds more easily than a new
/// point (on HNSW graphs 0.02-0.05 higher recall on the benchmarks' Gaussian mixture).</item>
/// <item><see cref="PrepareLeftOut"/>: the sampled rows are kept out of the index while it is measured (an HNSW
/// shard adds them after tuning) and out of the exact answers: the measurement of truly new queries.</item>
/// </list>
/// </summary>
public sealed class HeldOutRecall
{
    private readonly int[] sample;
    private readonly float[] vectors;
    private readonly int dimension;
    private readonly int want;
    private readonly HashSet<long>[] expected;
    private readonly HashSet<long>? leftOut; // the sampled rows, in the left-out mode

    private HeldOutRecall(int[] sample, float[] vectors, int dimension, int want, HashSet<long>[] expected, HashSet<long>? leftOut)
    {
        this.sample = sample;
        this.vectors = vectors;
        this.dimension = dimension;
        this.want = want;
        this.expected = expected;
        this.leftOut = leftOut;
    }

    /// <summary>The held-out queries measured.</summary>
    public int Queries => sample.Length;

    /// <summary>The sampled rows (in sampling order); in the left-out mode, the rows the index must not hold while measured.</summary>
    public IReadOnlyList<int> SampleRows => sample;

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
        return new HeldOutRecall(sample, vectors, dimension, want, expected, leftOut: null);
    }

    /// <summary>
    /// A probe of up to <paramref name="queries"/> rows (at most a quarter of the shard) that the index must not hold
    /// while it is measured: the exact answers are over the other rows. Null when the shard is too small for
    /// <see cref="MinLeftOutQueries"/> queries.
    /// </summary>
    public static HeldOutRecall? PrepareLeftOut(float[] rows, int dimension, IndexMetric metric, int queries, int k = 10, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int count = rows.Length / dimension;
        int take = Math.Min(queries, count / 4);
        if (take < MinLeftOutQueries) return null;
        int[] sample = Sample(count, take, seed);
        var left = sample.Select(r => (long)r).ToHashSet();
        var vectors = new float[sample.Length * dimension];
        for (int i = 0; i < sample.Length; i++)
            rows.AsSpan(sample[i] * dimension, dimension).CopyTo(vectors.AsSpan(i * dimension));
        int want = Math.Min(k, count - take);
        using var exact = ExactIndex.Build(rows, dimension, new ExactIndexOptions { Metric = metric });
        // The exact top k among the rows kept: ask for a few more than k and drop the left-out ones; only a query with
        // many left-out rows among its nearest needs the exhaustive answer (k + every left-out row).
        var expected = new HashSet<long>[sample.Length];
        var truth = exact.Search(vectors, dimension, Math.Min(count, want + Math.Min(take, 4 * k)));
        for (int i = 0; i < sample.Length; i++)
        {
            var kept = Enumerable.Range(0, truth.K).Select(r => truth.Index(i, r)).Where(row => !left.Contains(row)).Take(want).ToHashSet();
            if (kept.Count < want)
            {
                var full = exact.Search(vectors.AsSpan(i * dimension, dimension), dimension, Math.Min(count, want + take));
                kept = Enumerable.Range(0, full.K).Select(r => full.Index(0, r)).Where(row => !left.Contains(row)).Take(want).ToHashSet();
            }
            expected[i] = kept;
        }
        return new HeldOutRecall(sample, vectors, dimension, want, expected, left);
    }

    /// <summary>Fewest left-out queries a probe is made of: fewer measure nothing useful.</summary>
    public const int MinLeftOutQueries = 50;

    /// <returns>Mean fraction of the exact top k found in the index's top k.</returns>
    public static double? Measure(IShardIndex index, float[] rows, int dimension, IndexMetric metric, int queries, int k = 10, int seed = 0) =>
        Prepare(rows, dimension, metric, queries, k, seed)?.Of(index);

    /// <summary>Recall@k of <paramref name="index"/> on this probe's queries.</summary>
    public double Of(IShardIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        double sum = 0;
        if (leftOut is not null)
        {
            var answers = index.Search(vectors, dimension, want);
            for (int i = 0; i < sample.Length; i++)
                sum += Enumerable.Range(0, answers.K).Select(r => answers.Index(i, r)).Count(expected[i].Contains) / (double)want;
            return sum / sample.Length;
        }
        var found = index.Search(vectors, dimension, want + 1);
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
