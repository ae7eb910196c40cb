namespace Pipeline.Index.Tests.Exact;

/// <summary>Seeded test data.</summary>
internal static class TestVectors
{
    public static float[] Gaussian(int rows, int dim, int seed)
    {
        var random = new Random(seed);
        var data = new float[rows * dim];
        for (int i = 0; i < data.Length; i++)
        {
            // Box-Muller; 1 - NextDouble() is in (0, 1].
            double u = 1 - random.NextDouble(), v = random.NextDouble();
            data[i] = (float)(Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v));
        }
        return data;
    }

    /// <summary>
    /// Rows drawn from <paramref name="patterns"/> distinct vectors with entries +-0.25. With dimension 16 every row
    /// has norm exactly 1 and every dot product and squared distance is a multiple of 1/16, exact in float16, float32
    /// and double whatever the summation order: scores tie exactly, so tie order can be checked exactly.
    /// </summary>
    public static float[] Ties(int rows, int patterns, int seed, int dim = 16)
    {
        var random = new Random(seed);
        var pool = new float[patterns][];
        for (int p = 0; p < patterns; p++)
            pool[p] = Enumerable.Range(0, dim).Select(_ => random.Next(2) == 0 ? -0.25f : 0.25f).ToArray();
        var data = new float[rows * dim];
        for (int r = 0; r < rows; r++)
            pool[random.Next(patterns)].CopyTo(data, r * dim);
        return data;
    }
}
