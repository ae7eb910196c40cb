namespace Pipeline.Index.Tests.Hnsw;

/// <summary>Seeded data for the HNSW tests.</summary>
internal static class HnswTestData
{
    /// <summary>
    /// Rows of a Gaussian mixture, the peer's shape: <paramref name="centres"/> centres ~ N(0, I) drawn from
    /// <paramref name="centresSeed"/>, each row a random centre + N(0, sigma^2 I) from <paramref name="seed"/>.
    /// Held-out queries: same <paramref name="centresSeed"/>, another <paramref name="seed"/>.
    /// </summary>
    public static float[] Mixture(int rows, int dim, int seed, int centres = 50, int centresSeed = 1234, double sigma = 1.0)
    {
        var centreRandom = new Random(centresSeed);
        var centre = new float[centres * dim];
        for (int i = 0; i < centre.Length; i++)
            centre[i] = (float)Normal(centreRandom);
        var random = new Random(seed);
        var data = new float[rows * dim];
        for (int r = 0; r < rows; r++)
        {
            int c = random.Next(centres);
            for (int j = 0; j < dim; j++)
                data[r * dim + j] = centre[c * dim + j] + (float)(sigma * Normal(random));
        }
        return data;
    }

    /// <summary>
    /// <paramref name="rows"/> (at most <paramref name="dim"/>) rows that are far apart (a distinct one-hot direction each,
    /// scaled 1 + r/rows, plus noise of 1e-3), and queries each a small perturbation of row <c>q * 7 % rows</c>: every
    /// metric's top-1 is that row, with a wide margin.
    /// </summary>
    public static (float[] Rows, float[] Queries, long[] Expected) Separated(int rows, int dim, int queries, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, dim);
        var random = new Random(seed);
        var data = new float[rows * dim];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < dim; j++)
                data[r * dim + j] = (float)(1e-3 * Normal(random));
            data[r * dim + r] += 1f + (float)r / rows * 0.05f;
        }
        var query = new float[queries * dim];
        var expected = new long[queries];
        for (int q = 0; q < queries; q++)
        {
            int target = q * 7 % rows;
            expected[q] = target;
            for (int j = 0; j < dim; j++)
                query[q * dim + j] = data[target * dim + j] + (float)(1e-4 * Normal(random));
        }
        return (data, query, expected);
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>A fresh empty folder under the temp directory, deleted by <see cref="IDisposable.Dispose"/>.</summary>
    public sealed class TempFolder : IDisposable
    {
        public TempFolder() => Directory.CreateDirectory(Path);

        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hnsw-tests-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); }
            catch (IOException) { } // best effort: a leftover temp folder must not fail a test
        }
    }
}
