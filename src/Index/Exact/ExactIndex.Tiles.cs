using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Index.Exact;

public sealed partial class ExactIndex
{
    /// <summary>Database rows per tile of the OpenBLAS path: a [queries, tile] score block stays in cache.</summary>
    internal const int TileRows = 2048;

    /// <summary>
    /// The OpenBLAS path, faiss' way: scores of a tile of rows (a cache-sized block) come from one sgemm, and each
    /// query's running top k takes from it only what beats its current k-th score, checked 16 scores at a time. Written
    /// here rather than with torch's topk + sort + merge per block, which cost about a quarter of the search on top of the
    /// product. Same order as the torch path: best first, equal scores by row, lower first (rows are scanned in order
    /// and an equal score never displaces an earlier row).
    /// </summary>
    private void SearchChunkTiled(Tensor q, int n, int k, Span<long> indicesOut, Span<float> scoresOut)
    {
        int tile = Options.BlockRows is { } fixedRows ? Math.Clamp(fixedRows, 1, Rows) : Math.Min(TileRows, Rows);
        var bestScores = new float[n * k];
        var bestRows = new long[n * k];
        var counts = new int[n];
        float[]? queryNorms = Metric == IndexMetric.L2 ? q.square().sum(1).contiguous().data<float>().ToArray() : null;
        float[]? rowNorms = Metric == IndexMetric.L2 ? RowNorms() : null;
        var queries = MemoryMarshal.Cast<byte, float>(q.bytes).ToArray();
        // float16 rows are widened tile by tile (TensorPrimitives: vectorised, several times torch's copy_ here).
        var widened = _rows.dtype == ScalarType.Float32 ? null : new float[tile * Dimension];
        var scores = new float[n * tile];
        for (int start = 0; start < Rows; start += tile)
        {
            int len = Math.Min(tile, Rows - start);
            using var scope = NewDisposeScope();
            var stored = _rows.narrow(0, start, len);
            ReadOnlySpan<float> rows;
            if (widened is null)
            {
                rows = MemoryMarshal.Cast<byte, float>(stored.bytes);
            }
            else
            {
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(stored.bytes), widened.AsSpan(0, len * Dimension));
                rows = widened.AsSpan(0, len * Dimension);
            }
            OpenBlas.MultiplyByTranspose(queries, rows, scores.AsSpan(0, n * len), Dimension);
            int first = start;
            Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, torch.get_num_threads()) }, query =>
            {
                var row = scores.AsSpan(query * len, len);
                if (queryNorms is not null) ToNegativeDistances(row, rowNorms!.AsSpan(first, len), queryNorms[query]);
                Merge(row, first, bestScores.AsSpan(query * k, k), bestRows.AsSpan(query * k, k), ref counts[query]);
            });
        }
        for (int i = 0; i < indicesOut.Length; i++)
        {
            long row = bestRows[i];
            indicesOut[i] = _rowIds is null ? row : _rowIds[row];
            scoresOut[i] = Metric == IndexMetric.L2 ? 0f - bestScores[i] : bestScores[i];
        }
    }

    private float[]? _rowNorms;

    /// <summary>The rows' squared norms as an array, copied out of the tensor once (not at every search).</summary>
    private float[] RowNorms() => _rowNorms ??= _squaredNorms!.data<float>().ToArray();

    /// <summary>s = min(2 q.x - |x|^2 - |q|^2, 0), in the torch path's order of operations: larger is better.</summary>
    private static void ToNegativeDistances(Span<float> dots, ReadOnlySpan<float> rowNorms, float queryNorm)
    {
        for (int i = 0; i < dots.Length; i++)
            dots[i] = MathF.Min(dots[i] * 2 - rowNorms[i] - queryNorm, 0f);
    }

    /// <summary>Takes into a query's sorted top k the scores of one tile that beat its k-th (rows <paramref name="first"/> on).</summary>
    private static void Merge(ReadOnlySpan<float> tile, int first, Span<float> best, Span<long> rows, ref int count)
    {
        int k = best.Length;
        int lanes = Vector512<float>.Count;
        int i = 0;
        while (i < tile.Length)
        {
            if (count == k && Vector512.IsHardwareAccelerated && i + lanes <= tile.Length)
            {
                // Once the list is full, 16 scores at a time are skipped while none beats the current k-th.
                if (Vector512.GreaterThanAny(Vector512.Create(tile.Slice(i, lanes)), Vector512.Create(best[k - 1])))
                    for (int j = i; j < i + lanes; j++) Insert(tile[j], first + j, best, rows, ref count);
                i += lanes;
                continue;
            }
            Insert(tile[i], first + i, best, rows, ref count);
            i++;
        }
    }

    private static void Insert(float score, long row, Span<float> best, Span<long> rows, ref int count)
    {
        int k = best.Length;
        if (count == k && !(score > best[k - 1])) return;
        // After every equal score already held: rows arrive in ascending order, so equal scores stay in row order.
        int at = count == k ? k - 1 : count;
        while (at > 0 && score > best[at - 1])
        {
            best[at] = best[at - 1];
            rows[at] = rows[at - 1];
            at--;
        }
        best[at] = score;
        rows[at] = row;
        if (count < k) count++;
    }
}
