using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Index.Exact;

public sealed partial class ExactIndex
{
    /// <summary>
    /// The <paramref name="k"/> best rows for each query of <paramref name="queries"/>, row-major
    /// [q, <paramref name="dimension"/>]. See the type's remarks for order, ties and k larger than the row count.
    /// </summary>
    public KnnResult Search(ReadOnlySpan<float> queries, int dimension, int k)
    {
        if (dimension != Dimension)
            throw new ArgumentException($"query dimension {dimension} does not match the index dimension {Dimension}.", nameof(dimension));
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (queries.Length % dimension != 0)
            throw new ArgumentException($"{queries.Length} query values are not whole rows of dimension {dimension}.", nameof(queries));
        int count = queries.Length / dimension;
        for (int i = 0; i < queries.Length; i++)
        {
            if (!float.IsFinite(queries[i]))
                throw new ArgumentException($"query {i / dimension} holds {queries[i]}.", nameof(queries));
        }

        int kOut = Math.Min(k, Rows);
        var indices = new long[checked(count * kOut)];
        var scores = new float[indices.Length];
        for (int start = 0; start < count; start += QueryChunk)
        {
            int n = Math.Min(QueryChunk, count - start);
            SearchChunk(queries.Slice(start * dimension, n * dimension).ToArray(), n, kOut,
                indices.AsSpan(start * kOut, n * kOut), scores.AsSpan(start * kOut, n * kOut));
        }
        return new KnnResult(count, kOut, indices, scores);
    }

    /// <summary>Database rows per block for <paramref name="queries"/> queries under the memory budget.</summary>
    internal int BlockRowsFor(int queries)
    {
        if (Options.BlockRows is { } fixedRows)
            return Math.Clamp(fixedRows, 1, Rows);
        // Per database row of a block: the float32 score column of every query, as much again as headroom for the
        // library's temporaries, plus the float32 copy of the row when stored as float16.
        long perRow = 4L * queries * 2 + (Options.Storage == IndexStorage.Float16 ? 4L * Dimension : 0);
        return (int)Math.Clamp(Options.MemoryBudgetBytes / perRow, 1, Rows);
    }

    private void SearchChunk(float[] queryData, int n, int k, Span<long> indicesOut, Span<float> scoresOut)
    {
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var q = tensor(queryData, [n, Dimension]);
        if (Metric == IndexMetric.Cosine)
            q = nn.functional.normalize(q, p: 2, dim: 1);
        if (!Options.TorchProduct && OpenBlas.Available && q.device_type == DeviceType.CPU)
        {
            SearchChunkTiled(q.contiguous(), n, k, indicesOut, scoresOut);
            return;
        }
        var queryNorms = Metric == IndexMetric.L2 ? q.square().sum(1, keepdim: true) : null;

        int blockRows = BlockRowsFor(n);
        Tensor? bestScores = null, bestRows = null;
        for (int start = 0; start < Rows; start += blockRows)
        {
            int len = Math.Min(blockRows, Rows - start);
            using var blockScope = NewDisposeScope();
            var block = _rows.narrow(0, start, len);
            if (block.dtype != ScalarType.Float32)
                block = block.to_type(ScalarType.Float32);
            var s = q.mm(block.t());
            if (Metric == IndexMetric.L2)
            {
                // Larger is better inside the search: s = -(|x|^2 + |q|^2 - 2 q.x), at most 0.
                s.mul_(2).sub_(_squaredNorms!.narrow(0, start, len).unsqueeze(0)).sub_(queryNorms!).clamp_max_(0);
            }
            var (blockScores, blockRowsIdx) = TopKOrdered(s, Math.Min(k, len));
            blockRowsIdx.add_(start);
            if (bestScores is null)
            {
                bestScores = blockScores.MoveToOuterDisposeScope();
                bestRows = blockRowsIdx.MoveToOuterDisposeScope();
                continue;
            }
            // Earlier blocks hold lower rows, so a stable sort of [best, block] keeps equal scores in row order.
            var merged = cat([bestScores, blockScores], 1);
            var mergedRows = cat([bestRows!, blockRowsIdx], 1);
            var (sorted, order) = merged.sort(1, descending: true, stable: true);
            int keep = Math.Min(k, (int)merged.shape[1]);
            bestScores = sorted.narrow(1, 0, keep).contiguous().MoveToOuterDisposeScope();
            bestRows = mergedRows.gather(1, order.narrow(1, 0, keep)).contiguous().MoveToOuterDisposeScope();
        }

        var scoreValues = bestScores!.contiguous().data<float>();
        var rowValues = bestRows!.contiguous().data<long>();
        for (int i = 0; i < indicesOut.Length; i++)
        {
            long row = rowValues[i];
            indicesOut[i] = _rowIds is null ? row : _rowIds[row];
            // L2 reports the distance itself; 0f - s also turns -0 into +0.
            scoresOut[i] = Metric == IndexMetric.L2 ? 0f - scoreValues[i] : scoreValues[i];
        }
    }

    /// <summary>
    /// Top <paramref name="k"/> of each row of <paramref name="s"/> [q, len] (larger is better), ordered by score
    /// descending and, for equal scores, by column ascending; equal scores at the k-th place keep the lowest columns.
    /// </summary>
    private static (Tensor Scores, Tensor Columns) TopKOrdered(Tensor s, int k)
    {
        Tensor values, columns;
        if (k < s.shape[1])
        {
            // topk picks arbitrarily among values equal to the k-th one. One more place shows where that matters: the
            // (k+1)-th value equals the k-th. Those rows are redone with a stable sort so the lowest columns win.
            var (wide, wideColumns) = s.topk(k + 1, dim: 1, largest: true, sorted: true);
            values = wide.narrow(1, 0, k).contiguous();
            columns = wideColumns.narrow(1, 0, k).contiguous();
            var ambiguous = wide.narrow(1, k - 1, 1).eq(wide.narrow(1, k, 1)).view(-1).nonzero();
            if (ambiguous.shape[0] > 0)
            {
                foreach (long r in ambiguous.view(-1).data<long>().ToArray())
                {
                    var (rowValues, rowColumns) = s[r].sort(0, descending: true, stable: true);
                    values[r].copy_(rowValues.narrow(0, 0, k));
                    columns[r].copy_(rowColumns.narrow(0, 0, k));
                }
            }
        }
        else
        {
            (values, columns) = s.topk(k, dim: 1, largest: true, sorted: true);
        }
        // Columns ascending, then a stable sort by score descending: equal scores end up in column order.
        var (byColumn, columnOrder) = columns.sort(1);
        var (ordered, scoreOrder) = values.gather(1, columnOrder).sort(1, descending: true, stable: true);
        return (ordered, byColumn.gather(1, scoreOrder));
    }
}
