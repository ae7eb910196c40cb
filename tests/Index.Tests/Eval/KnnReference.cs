namespace Pipeline.Index.Tests.Eval;

/// <summary>
/// A straightforward weighted k-NN in double precision, written from the description (no index, no tensors): cosine
/// similarity to every train row, top k by similarity (equal: lower row), weights exp(s / T), classes ranked by summed
/// weight (equal: lower class), top-5 counting only classes that received a vote.
/// </summary>
internal static class KnnReference
{
    public static (int[] Predictions, double Top1, double Top5) Evaluate(
        float[] train, int[] trainLabels, float[] test, int[] testLabels, int dimension, int classes, int k, double temperature)
    {
        var trainUnit = Normalised(train, dimension);
        var testUnit = Normalised(test, dimension);
        int trainRows = trainLabels.Length;
        var predictions = new int[testLabels.Length];
        int top1 = 0, top5 = 0;
        for (int q = 0; q < testLabels.Length; q++)
        {
            var similarities = new double[trainRows];
            for (int r = 0; r < trainRows; r++)
            {
                double dot = 0;
                for (int d = 0; d < dimension; d++)
                    dot += testUnit[q][d] * trainUnit[r][d];
                similarities[r] = dot;
            }
            var nearest = Enumerable.Range(0, trainRows).OrderByDescending(r => similarities[r]).ThenBy(r => r).Take(k);
            var votes = new Dictionary<int, double>();
            foreach (int r in nearest)
                votes[trainLabels[r]] = votes.GetValueOrDefault(trainLabels[r]) + Math.Exp(similarities[r] / temperature);
            var ranked = votes.Keys.OrderByDescending(c => votes[c]).ThenBy(c => c).ToList();
            predictions[q] = ranked[0];
            if (ranked[0] == testLabels[q])
                top1++;
            if (ranked.Take(5).Contains(testLabels[q]))
                top5++;
        }
        return (predictions, (double)top1 / testLabels.Length, (double)top5 / testLabels.Length);
    }

    private static double[][] Normalised(float[] data, int dimension)
    {
        int rows = data.Length / dimension;
        var result = new double[rows][];
        for (int r = 0; r < rows; r++)
        {
            var row = data.AsSpan(r * dimension, dimension).ToArray().Select(v => (double)v).ToArray();
            double norm = Math.Sqrt(row.Sum(v => v * v));
            result[r] = norm == 0 ? row : [.. row.Select(v => v / norm)];
        }
        return result;
    }
}
