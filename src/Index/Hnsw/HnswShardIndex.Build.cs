using System.Runtime.ExceptionServices;
using Cloud.Unum.USearch;
using Pipeline.Index.Exact;

namespace Pipeline.Index.Hnsw;

public sealed partial class HnswShardIndex
{
    /// <summary>Rows a sub-graph gets at least before the build splits the rows further.</summary>
    internal const int MinRowsPerPartition = 4096;

    /// <summary>Rows handed to the binding per Add call: one capacity reservation per batch instead of per row.</summary>
    private const int AddBatch = 1024;

    /// <summary>
    /// Builds an index over the valid rows of <paramref name="vectors"/>, row-major [rows, <paramref name="dimension"/>],
    /// keyed by row number. Rows holding NaN or infinity (or, for float16 storage of inner product or L2, a value beyond
    /// the float16 range) are skipped and listed in <paramref name="skippedRows"/>, ascending.
    /// </summary>
    /// <param name="partitions">Sub-graphs built in parallel; 0 picks one per core, fewer for small inputs.</param>
    /// <exception cref="ArgumentException">No usable row, or the values are not whole rows.</exception>
    public static HnswShardIndex Build(float[] vectors, int dimension, IndexMetric metric, IndexStorage storage,
        HnswParameters parameters, out long[] skippedRows, int partitions = 0)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(partitions);
        if (vectors.Length % dimension != 0)
            throw new ArgumentException($"{vectors.Length} values are not whole rows of dimension {dimension}.", nameof(vectors));
        int rows = vectors.Length / dimension;
        if (rows == 0)
            throw new ArgumentException("no rows: an HNSW index cannot be empty.", nameof(vectors));

        var kept = new List<int>(rows);
        var skipped = new List<long>();
        for (int r = 0; r < rows; r++)
        {
            if (IsUsable(vectors.AsSpan(r * dimension, dimension), metric, storage)) kept.Add(r);
            else skipped.Add(r);
        }
        skippedRows = skipped.ToArray();
        if (kept.Count == 0)
            throw new ArgumentException($"all {rows} rows hold NaN, infinity or out-of-range values: the index would be empty.", nameof(vectors));

        int parts = partitions > 0 ? Math.Min(partitions, kept.Count) : DefaultPartitions(kept.Count);
        var built = new USearchIndex[parts];
        try
        {
            var keptRows = kept.ToArray();
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, p =>
            {
                int start = (int)((long)keptRows.Length * p / parts), end = (int)((long)keptRows.Length * (p + 1) / parts);
                built[p] = BuildPart(vectors, keptRows.AsSpan(start, end - start), dimension, metric, storage, parameters);
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
            pools[p] = new HnswSearcherPool(built[p], open: null, capacity: 1, (long)built[p].Size());
        return new HnswShardIndex(pools, sourceFiles: null, dimension, metric, storage, parameters, rows);
    }

    /// <summary>Copies <paramref name="vectors"/> and builds as <see cref="Build(float[], int, IndexMetric, IndexStorage, HnswParameters, out long[], int)"/>.</summary>
    public static HnswShardIndex Build(ReadOnlySpan<float> vectors, int dimension, IndexMetric metric, IndexStorage storage,
        HnswParameters parameters, out long[] skippedRows, int partitions = 0) =>
        Build(vectors.ToArray(), dimension, metric, storage, parameters, out skippedRows, partitions);

    /// <summary>One sub-graph per core, each with at least <see cref="MinRowsPerPartition"/> rows.</summary>
    internal static int DefaultPartitions(int rows) =>
        Math.Clamp(rows / MinRowsPerPartition, 1, Math.Max(1, Environment.ProcessorCount));

    private static USearchIndex BuildPart(float[] vectors, ReadOnlySpan<int> rows, int dimension, IndexMetric metric,
        IndexStorage storage, HnswParameters parameters)
    {
        var index = new USearchIndex(NativeMetric(metric), NativeScalar(storage), (ulong)dimension,
            (ulong)parameters.Connectivity, (ulong)parameters.ExpansionAdd, (ulong)parameters.ExpansionSearch);
        try
        {
            ulong[] keys = new ulong[Math.Min(AddBatch, rows.Length)];
            float[][] batch = NewBatch(keys.Length, dimension);
            for (int start = 0; start < rows.Length; start += AddBatch)
            {
                int n = Math.Min(AddBatch, rows.Length - start);
                if (n != keys.Length)
                {
                    // The binding adds every element of the arrays it is given: the last, shorter batch needs its own.
                    keys = new ulong[n];
                    batch = NewBatch(n, dimension);
                }
                for (int i = 0; i < n; i++)
                {
                    int row = rows[start + i];
                    keys[i] = (ulong)row;
                    vectors.AsSpan(row * dimension, dimension).CopyTo(batch[i]);
                    if (metric == IndexMetric.Cosine)
                        Normalise(batch[i]);
                }
                index.Add(keys, batch);
            }
            return index;
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    private static float[][] NewBatch(int n, int dimension)
    {
        var batch = new float[n][];
        for (int i = 0; i < n; i++)
            batch[i] = new float[dimension];
        return batch;
    }

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
