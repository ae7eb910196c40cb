using Cloud.Unum.USearch;
using Pipeline.Index.Exact;

namespace Pipeline.Index.Hnsw;

/// <summary>
/// Approximate k-nearest-neighbour search over one shard of vectors with HNSW graphs (USearch 2.26.6). Keys are the
/// input row numbers. Results follow <see cref="ExactIndex"/>'s conventions: similarity (descending) for cosine and
/// inner product, squared L2 distance (ascending) for L2, equal scores by row number, lower first.
/// </summary>
/// <remarks>
/// <para>Parallel build: one graph, rows added by all cores at once through the native library with capacity and
/// per-thread contexts reserved first (<see cref="USearchNative"/>; the binding's own Add is not thread-safe). Which
/// thread adds a row first is up to the scheduler, so two builds of the same rows give graphs that differ a little
/// (recall alike). <see cref="Partitions"/> &gt; 1 builds separate sub-graphs instead; a search runs on every one and
/// merges the lists (the file format keeps parts; indices saved before one-graph builds have one per build thread).</para>
/// <para>Search is safe from many threads at once (<see cref="HnswSearcherPool"/>): an index opened from a file lends
/// each memory-mapped view to one thread and opens more as threads need them; a freshly built graph is searched by
/// up to one thread per core at once, at one efSearch at a time.</para>
/// <para>Cosine: rows and queries are L2-normalised here in float32 (a zero vector stays zero and scores 0) and the
/// graph uses inner product, so float16 storage rounds the normalised rows once, as <see cref="ExactIndex"/> does.
/// USearch's inner-product distance is 1 - dot; the score reported is 1 - distance.</para>
/// <para>A query for which the graphs return fewer than <see cref="KnnResult.K"/> rows (only possible on a
/// disconnected graph) is padded with row -1 and score NaN.</para>
/// </remarks>
public sealed partial class HnswShardIndex : IDisposable
{
    private readonly HnswSearcherPool[] _parts;
    private readonly string[]? _sourceFiles; // part files this index was opened from; null when built in memory
    private (float[] Vectors, int[] Rows, int Threads)? _heldBack; // rows the build left for AddHeldBack

    private HnswShardIndex(HnswSearcherPool[] parts, string[]? sourceFiles, int dimension, IndexMetric metric, IndexStorage storage,
        HnswParameters parameters, long inputRows)
    {
        _parts = parts;
        _sourceFiles = sourceFiles;
        Dimension = dimension;
        Metric = metric;
        Storage = storage;
        Parameters = parameters;
        InputRows = inputRows;
    }

    /// <summary>Indexed rows (skipped rows and rows still held back not counted).</summary>
    public int Rows => checked((int)_parts.Sum(p => p.Rows));

    /// <summary>Rows the build held back that <see cref="AddHeldBack"/> has not added yet.</summary>
    public int HeldBackRows => _heldBack?.Rows.Length ?? 0;

    /// <summary>Rows given to the build, skipped ones included: row numbers are below this.</summary>
    public long InputRows { get; }

    /// <summary>Vector length.</summary>
    public int Dimension { get; }

    /// <summary>How queries are compared with rows.</summary>
    public IndexMetric Metric { get; }

    /// <summary>Element type of the stored vectors.</summary>
    public IndexStorage Storage { get; }

    /// <summary>Graph settings; <see cref="HnswParameters.ExpansionSearch"/> is the default efSearch of <see cref="Search"/>.</summary>
    public HnswParameters Parameters { get; }

    /// <summary>Sub-graphs searched and merged by every query (one unless the build asked for more).</summary>
    public int Partitions => _parts.Length;

    /// <summary>Native instances opened so far over all sub-graphs (tests, diagnostics).</summary>
    internal int InstanceCount => _parts.Sum(p => p.InstanceCount);

    /// <summary>Frees the graphs and unmaps opened files. Not to be called while a search is running.</summary>
    public void Dispose()
    {
        foreach (var part in _parts)
            part.Dispose();
    }

    /// <summary>USearch metric for ours: cosine runs as inner product over rows normalised here.</summary>
    private static MetricKind NativeMetric(IndexMetric metric) => metric switch
    {
        IndexMetric.Cosine or IndexMetric.InnerProduct => MetricKind.Ip,
        IndexMetric.L2 => MetricKind.L2sq,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "unknown metric"),
    };

    private static ScalarKind NativeScalar(IndexStorage storage) => storage switch
    {
        IndexStorage.Float32 => ScalarKind.Float32,
        IndexStorage.Float16 => ScalarKind.Float16,
        _ => throw new ArgumentOutOfRangeException(nameof(storage), storage, "unknown storage"),
    };

    /// <summary>Score of a USearch distance under our conventions: inner-product distance is 1 - dot.</summary>
    private static float ScoreOf(IndexMetric metric, float distance) => metric == IndexMetric.L2 ? distance : 1f - distance;

    /// <summary>Scales <paramref name="v"/> to unit L2 norm in place; a zero vector stays zero.</summary>
    internal static void Normalise(Span<float> v)
    {
        double sum = 0;
        foreach (float x in v)
            sum += (double)x * x;
        if (sum == 0)
            return;
        float inv = (float)(1 / Math.Sqrt(sum));
        for (int i = 0; i < v.Length; i++)
            v[i] *= inv;
    }
}
