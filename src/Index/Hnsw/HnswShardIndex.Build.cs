using System.Runtime.ExceptionServices;
using Cloud.Unum.USearch;
using Pipeline.Index.Exact;

namespace Pipeline.Index.Hnsw;

public sealed partial class HnswShardIndex
{
    /// <summary>
    /// Builds an index over the valid rows of <paramref name="vectors"/>, row-major [rows, <paramref name="dimension"/>],
    /// keyed by row number. Rows holding NaN or infinity (or, for float16 storage of inner product or L2, a value beyond
    /// the float16 range) are skipped and listed in <paramref name="skippedRows"/>, ascending.
    /// </summary>
    /// <param name="partitions">Separate sub-graphs (each query searches all of them and merges). One graph, built by
    /// all threads at once, is both faster to search and as good at equal efSearch; more exist for tests of the
    /// multi-part file format and for indices saved by earlier versions.</param>
    /// <param name="threads">Threads adding rows at once, shared by the sub-graphs; 0: one per core.</param>
    /// <param name="holdBack">Rows left out of the graph until <see cref="AddHeldBack"/> (room is reserved for them):
    /// so that the graph can be measured on queries it does not hold. One sub-graph only.</param>
    /// <exception cref="ArgumentException">No usable row, or the values are not whole rows.</exception>
    public static HnswShardIndex Build(float[] vectors, int dimension, IndexMetric metric, IndexStorage storage,
        HnswParameters parameters, out long[] skippedRows, int partitions = 1, int threads = 0, IReadOnlyCollection<int>? holdBack = null)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        if (vectors.Length % dimension != 0)
            throw new ArgumentException($"{vectors.Length} values are not whole rows of dimension {dimension}.", nameof(vectors));
        int rows = vectors.Length / dimension;
        if (rows == 0)
            throw new ArgumentException("no rows: an HNSW index cannot be empty.", nameof(vectors));

        if (holdBack is { Count: > 0 } && partitions != 1)
            throw new ArgumentException("rows can be held back from one graph only, not from several sub-graphs.", nameof(holdBack));
        var held = holdBack is null ? [] : new HashSet<int>(holdBack);
        if (held.Any(r => r < 0 || r >= rows))
            throw new ArgumentOutOfRangeException(nameof(holdBack), $"a held-back row is not a row number below {rows}.");
        var kept = new List<int>(rows);
        var later = new List<int>(held.Count);
        var skipped = new List<long>();
        for (int r = 0; r < rows; r++)
        {
            if (!IsUsable(vectors.AsSpan(r * dimension, dimension), metric, storage)) skipped.Add(r);
            else if (held.Contains(r)) later.Add(r);
            else kept.Add(r);
        }
        skippedRows = skipped.ToArray();
        if (kept.Count == 0 && later.Count == 0)
            throw new ArgumentException($"all {rows} rows hold NaN, infinity or out-of-range values: the index would be empty.", nameof(vectors));
        if (kept.Count == 0)
            throw new ArgumentException($"every usable row of {rows} is held back: the graph would be empty.", nameof(holdBack));

        int parts = Math.Min(partitions, kept.Count);
        int threadsTotal = threads > 0 ? threads : Environment.ProcessorCount;
        int threadsPerPart = Math.Max(1, threadsTotal / parts);
        var built = new USearchIndex[parts];
        try
        {
            var keptRows = kept.ToArray();
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, p =>
            {
                int start = (int)((long)keptRows.Length * p / parts), end = (int)((long)keptRows.Length * (p + 1) / parts);
                built[p] = BuildPart(vectors, keptRows.AsMemory(start, end - start), later.Count, dimension, metric, storage, parameters, threadsPerPart);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            foreach (var index in built) index?.Dispose();
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw; // unreachable: Throw() never returns
        }
        catch
        {
            foreach (var index in built) index?.Dispose();
            throw;
        }
        var pools = new HnswSearcherPool[parts];
        for (int p = 0; p < parts; p++)
            pools[p] = new HnswSearcherPool(built[p], open: null, capacity: SearchThreads, (long)built[p].Size());
        var result = new HnswShardIndex(pools, sourceFiles: null, dimension, metric, storage, parameters, rows);
        if (later.Count > 0)
            result._heldBack = (vectors, later.ToArray(), threadsTotal);
        return result;
    }

    /// <summary>
    /// Adds the rows <see cref="Build(float[], int, IndexMetric, IndexStorage, HnswParameters, out long[], int, int, IReadOnlyCollection{int})"/>
    /// held back; nothing when none are. Not to be called while a search is running.
    /// </summary>
    public void AddHeldBack()
    {
        if (_heldBack is not { } held) return;
        var pool = _parts[0];
        var searcher = pool.Rent(Parameters.ExpansionSearch);
        try
        {
            AddRows(searcher.Index, held.Vectors, held.Rows, Dimension, Metric, held.Threads);
        }
        finally
        {
            pool.Return(searcher);
        }
        pool.Rows += held.Rows.Length;
        _heldBack = null;
    }

    /// <summary>Copies <paramref name="vectors"/> and builds as <see cref="Build(float[], int, IndexMetric, IndexStorage, HnswParameters, out long[], int, int)"/>.</summary>
    public static HnswShardIndex Build(ReadOnlySpan<float> vectors, int dimension, IndexMetric metric, IndexStorage storage,
        HnswParameters parameters, out long[] skippedRows, int partitions = 1, int threads = 0) =>
        Build(vectors.ToArray(), dimension, metric, storage, parameters, out skippedRows, partitions, threads);

    /// <summary>Concurrent searches a freshly built graph allows (native search contexts reserved at build).</summary>
    private static int SearchThreads => Math.Max(1, Environment.ProcessorCount);

    /// <summary>
    /// One graph over <paramref name="rows"/>, added by <paramref name="threads"/> threads at once through the native
    /// library (see <see cref="USearchNative"/>): capacity (for <paramref name="reserveMore"/> rows added later too) is
    /// reserved first, so no add grows the index.
    /// </summary>
    private static USearchIndex BuildPart(float[] vectors, ReadOnlyMemory<int> rows, int reserveMore, int dimension, IndexMetric metric,
        IndexStorage storage, HnswParameters parameters, int threads)
    {
        var index = new USearchIndex(NativeMetric(metric), NativeScalar(storage), (ulong)dimension,
            (ulong)parameters.Connectivity, (ulong)parameters.ExpansionAdd, (ulong)parameters.ExpansionSearch);
        try
        {
            USearchNative.Reserve(index, rows.Length + reserveMore, addThreads: threads, searchThreads: SearchThreads);
            AddRows(index, vectors, rows, dimension, metric, threads);
            return index;
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    /// <summary>Adds <paramref name="rows"/> on up to <paramref name="threads"/> threads (room and contexts reserved by <see cref="BuildPart"/>).</summary>
    private static void AddRows(USearchIndex index, float[] vectors, ReadOnlyMemory<int> rows, int dimension, IndexMetric metric, int threads)
    {
        int workers = Math.Clamp(rows.Length / MinRowsPerThread, 1, threads);
        // Each worker takes the next row, so the graph grows in about the order a single-threaded build adds them.
        int next = -1;
        try
        {
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, _ =>
            {
                var buffer = new float[dimension];
                var order = rows.Span;
                for (int i = Interlocked.Increment(ref next); i < order.Length; i = Interlocked.Increment(ref next))
                {
                    int row = order[i];
                    vectors.AsSpan(row * dimension, dimension).CopyTo(buffer);
                    if (metric == IndexMetric.Cosine)
                        Normalise(buffer);
                    USearchNative.Add(index, (ulong)row, buffer);
                }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    /// <summary>Below this many rows per thread a build adds on fewer threads (tiny graphs gain nothing from more).</summary>
    private const int MinRowsPerThread = 1024;

    /// <summary>False for a row the graph cannot hold faithfully (the same rule as <see cref="ExactIndex"/>'s).</summary>
    private static bool IsUsable(ReadOnlySpan<float> row, IndexMetric metric, IndexStorage storage)
    {
        bool checkHalf = storage == IndexStorage.Float16 && metric != IndexMetric.Cosine;
        foreach (float x in row)
        {
            if (!float.IsFinite(x)) return false;
            if (checkHalf && Half.IsInfinity((Half)x)) return false;
        }
        return true;
    }
}
