using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Index.Exact;

/// <summary>
/// Brute-force k-nearest-neighbour search over a [rows, dimension] matrix held in one TorchSharp tensor (float32 or
/// float16). Queries are scored against the database block by block with a float32 matrix product and a running
/// top-k merge, so the working set stays within <see cref="ExactIndexOptions.MemoryBudgetBytes"/>.
/// </summary>
/// <remarks>
/// <para>Order: best first (highest similarity; lowest squared L2 distance). Scores that compare equal as computed in
/// float32 are ordered by row number, lower first, whatever the block size. That order is exact, not "usually".</para>
/// <para>k larger than the indexed row count returns all rows (<see cref="KnnResult.K"/> = rows); nothing is padded.</para>
/// <para>Cosine: rows and queries are L2-normalised in float32 (an all-zero vector stays zero and scores 0 with
/// everything). L2 scores are squared distances computed as |x|^2 + |q|^2 - 2 q.x, clamped at 0.</para>
/// <para>Immutable after build; concurrent searches are safe. Tensors never leave this type: arrays in, arrays out.</para>
/// </remarks>
public sealed partial class ExactIndex : Sharded.IShardIndex
{
    /// <summary>Queries scored together; more queries are searched in chunks of this many.</summary>
    internal const int QueryChunk = 1024;

    private readonly Tensor _rows;          // [Rows, Dimension], storage dtype, contiguous
    private readonly Tensor? _squaredNorms; // [Rows] float32 of the stored (rounded) rows; L2 only
    private readonly long[]? _rowIds;       // input row number of each indexed row when rows were skipped

    private ExactIndex(Tensor rows, Tensor? squaredNorms, long[]? rowIds, int dimension, ExactIndexOptions options)
    {
        _rows = rows;
        _squaredNorms = squaredNorms;
        _rowIds = rowIds;
        Rows = (int)rows.shape[0];
        Dimension = dimension;
        Options = options;
    }

    /// <summary>Indexed rows (skipped rows not counted).</summary>
    public int Rows { get; }

    public int Dimension { get; }

    public ExactIndexOptions Options { get; }

    public IndexMetric Metric => Options.Metric;

    /// <summary>Which float32 matrix product CPU searches use (OpenBLAS, or libtorch's), for benchmarks and logs.</summary>
    public static string ProductBackend => OpenBlas.Description;

    public void Dispose()
    {
        _rows.Dispose();
        _squaredNorms?.Dispose();
    }
}
