using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Index.Exact;

public sealed partial class ExactIndex
{
    /// <summary>
    /// Builds an index over <paramref name="vectors"/>, row-major [rows, <paramref name="dimension"/>]. A row holding
    /// NaN or infinity (or, for float16 storage, a value beyond the float16 range) is an
    /// <see cref="ArgumentException"/> that names the first such row.
    /// </summary>
    public static ExactIndex Build(ReadOnlySpan<float> vectors, int dimension, ExactIndexOptions options)
    {
        int rows = ValidateShape(vectors, dimension);
        for (int r = 0; r < rows; r++)
        {
            if (BadRowReason(vectors.Slice(r * dimension, dimension), options) is { } reason)
                throw new ArgumentException($"row {r} of {rows} {reason}; it cannot be indexed.", nameof(vectors));
        }
        return Create(vectors.ToArray(), rows, dimension, rowIds: null, options);
    }

    /// <summary>
    /// Builds an index over the valid rows of <paramref name="vectors"/> and reports the rows it skipped (NaN or
    /// infinity, or out of float16 range for float16 storage) in <paramref name="skippedRows"/>, ascending. Search
    /// results keep the input row numbers. If every row is skipped the build fails.
    /// </summary>
    public static ExactIndex Build(ReadOnlySpan<float> vectors, int dimension, ExactIndexOptions options, out long[] skippedRows)
    {
        int rows = ValidateShape(vectors, dimension);
        var skipped = new List<long>();
        for (int r = 0; r < rows; r++)
        {
            if (BadRowReason(vectors.Slice(r * dimension, dimension), options) is not null)
                skipped.Add(r);
        }
        skippedRows = skipped.ToArray();
        if (skipped.Count == 0)
            return Create(vectors.ToArray(), rows, dimension, rowIds: null, options);
        int kept = rows - skipped.Count;
        if (kept == 0)
            throw new ArgumentException($"all {rows} rows hold NaN, infinity or out-of-range values: the index would be empty.", nameof(vectors));

        var data = new float[checked(kept * dimension)];
        var rowIds = new long[kept];
        int next = 0, s = 0;
        for (int r = 0; r < rows; r++)
        {
            if (s < skipped.Count && skipped[s] == r) { s++; continue; }
            vectors.Slice(r * dimension, dimension).CopyTo(data.AsSpan(next * dimension, dimension));
            rowIds[next++] = r;
        }
        return Create(data, kept, dimension, rowIds, options);
    }

    private static int ValidateShape(ReadOnlySpan<float> vectors, int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (vectors.Length % dimension != 0)
            throw new ArgumentException($"{vectors.Length} values are not whole rows of dimension {dimension}.", nameof(vectors));
        if (vectors.Length == 0)
            throw new ArgumentException("no rows: an exact index cannot be empty.", nameof(vectors));
        return vectors.Length / dimension;
    }

    private static string? BadRowReason(ReadOnlySpan<float> row, ExactIndexOptions options)
    {
        bool checkHalf = options.Storage == IndexStorage.Float16 && options.Metric != IndexMetric.Cosine;
        foreach (float x in row)
        {
            if (float.IsNaN(x)) return "holds NaN";
            if (float.IsInfinity(x)) return "holds infinity";
            if (checkHalf && Half.IsInfinity((Half)x)) return $"holds {x}, beyond the float16 range (+-{(float)Half.MaxValue})";
        }
        return null;
    }

    private static ExactIndex Create(float[] data, int rows, int dimension, long[]? rowIds, ExactIndexOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var t = tensor(data, [rows, dimension]);
        if (options.Metric == IndexMetric.Cosine)
            t = nn.functional.normalize(t, p: 2, dim: 1);
        if (options.Storage == IndexStorage.Float16)
            t = t.to_type(ScalarType.Float16);
        t = t.contiguous();
        Tensor? norms = options.Metric == IndexMetric.L2 ? t.to_type(ScalarType.Float32).square().sum(1).contiguous() : null;
        return new ExactIndex(t.MoveToOuterDisposeScope(), norms?.MoveToOuterDisposeScope(), rowIds, dimension, options);
    }
}
