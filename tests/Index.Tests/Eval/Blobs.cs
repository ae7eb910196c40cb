using Pipeline.Index.Eval;

namespace Pipeline.Index.Tests.Eval;

/// <summary>Seeded Gaussian class blobs: class c is centred at <c>separation</c> times a standard normal vector.</summary>
internal static class Blobs
{
    public static double Normal(Random random)
    {
        // Box-Muller; 1 - NextDouble() is in (0, 1].
        double u = 1 - random.NextDouble(), v = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }

    /// <summary>The class centres, [classes][dimension].</summary>
    public static double[][] Centres(int classes, int dimension, double separation, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, classes).Select(_ => Enumerable.Range(0, dimension).Select(_ => separation * Normal(random)).ToArray())];
    }

    /// <summary><paramref name="rows"/> rows with classes drawn in turn (0, 1, .., classes-1, 0, ..), unit noise around the centres.</summary>
    public static LabelledFeatures Sample(double[][] centres, int rows, int seed)
    {
        var random = new Random(seed);
        int dimension = centres[0].Length;
        var features = new float[rows * dimension];
        var labels = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            labels[r] = r % centres.Length;
            for (int d = 0; d < dimension; d++)
                features[r * dimension + d] = (float)(centres[labels[r]][d] + Normal(random));
        }
        return new LabelledFeatures(features, dimension, labels);
    }
}
