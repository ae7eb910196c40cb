using Pipeline.Index;
using Pipeline.Index.Exact;

namespace Pipeline.Index.Tests.Exact;

/// <summary>
/// Independent reference: plain loops in double precision, no TorchSharp. It stores rows the way the documented
/// contract says (cosine: normalised; float16: rounded after normalisation) and orders best first, equal scores by
/// lower row.
/// </summary>
internal static class BruteForce
{
    public readonly record struct Hit(long Row, double Score);

    /// <summary>The rows as the index holds them, in double: normalised for cosine, rounded for float16.</summary>
    public static double[] Stored(float[] data, int dim, IndexMetric metric, IndexStorage storage)
    {
        var stored = new double[data.Length];
        for (int r = 0; r < data.Length / dim; r++)
        {
            double scale = metric == IndexMetric.Cosine ? 1 / Math.Max(Norm(data, r * dim, dim), 1e-12) : 1;
            for (int c = 0; c < dim; c++)
            {
                double v = data[r * dim + c] * scale;
                stored[r * dim + c] = storage == IndexStorage.Float16 ? (double)(Half)(float)v : v;
            }
        }
        return stored;
    }

    /// <summary>Every row of the database for each query, best first; take the first k.</summary>
    public static Hit[][] Rank(double[] stored, int dim, float[] queries, IndexMetric metric, long[]? rowIds = null)
    {
        int rows = stored.Length / dim, count = queries.Length / dim;
        var result = new Hit[count][];
        for (int qi = 0; qi < count; qi++)
        {
            double scale = metric == IndexMetric.Cosine ? 1 / Math.Max(Norm(queries, qi * dim, dim), 1e-12) : 1;
            var hits = new Hit[rows];
            for (int r = 0; r < rows; r++)
            {
                double acc = 0;
                for (int c = 0; c < dim; c++)
                {
                    double q = queries[qi * dim + c] * scale, x = stored[r * dim + c];
                    acc += metric == IndexMetric.L2 ? (x - q) * (x - q) : x * q;
                }
                hits[r] = new Hit(rowIds?[r] ?? r, acc);
            }
            Array.Sort(hits, (a, b) =>
            {
                int byScore = metric == IndexMetric.L2 ? a.Score.CompareTo(b.Score) : b.Score.CompareTo(a.Score);
                return byScore != 0 ? byScore : a.Row.CompareTo(b.Row);
            });
            result[qi] = hits;
        }
        return result;
    }

    private static double Norm(float[] v, int offset, int dim)
    {
        double s = 0;
        for (int c = 0; c < dim; c++) s += (double)v[offset + c] * v[offset + c];
        return Math.Sqrt(s);
    }
}
