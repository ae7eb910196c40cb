using Pipeline.Index.Exact;

namespace Pipeline.Index.Eval;

/// <summary>
/// DINOv2's weighted k-NN classifier on frozen features: features are L2-normalised, each test feature finds its k
/// most cosine-similar train features, neighbour j votes for its class with weight exp(s_j / T), and the class with
/// the largest summed vote wins (equal votes: the lower class index). The search is an exact
/// <see cref="ExactIndex"/> with <see cref="IndexMetric.Cosine"/> (float32).
/// </summary>
/// <remarks>
/// DINOv2 normalises the weights with a softmax over the k neighbours; that divides every vote of a test row by the
/// same number, so the ranking of classes, and with it top-1 and top-5, is the same.
/// </remarks>
public static class KnnClassifier
{
    /// <summary>Classifies every row of <paramref name="test"/> by its neighbours in <paramref name="train"/> and scores it.</summary>
    /// <param name="classes">Number of classes; every label of both sets must be below it.</param>
    /// <exception cref="ArgumentException">The dimensions differ, a label is out of range, or a feature is NaN or infinite.</exception>
    public static KnnEvaluation Evaluate(LabelledFeatures train, LabelledFeatures test, int classes, KnnClassifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        options ??= new KnnClassifierOptions();
        options.Validate();
        if (train.Dimension != test.Dimension)
            throw new ArgumentException($"train features have dimension {train.Dimension} but test features {test.Dimension}.", nameof(test));
        train.ValidateClasses(classes, nameof(train));
        test.ValidateClasses(classes, nameof(test));

        KnnResult neighbours;
        using (var index = ExactIndex.Build(train.Features, train.Dimension, new ExactIndexOptions { Metric = IndexMetric.Cosine }))
            neighbours = index.Search(test.Features, test.Dimension, options.K);

        var predictions = new int[test.Rows];
        var votes = new double[classes];
        var voted = new List<int>(neighbours.K);
        var votedFor = new int[classes]; // the last query (plus one) that voted for each class
        int top1 = 0, top5 = 0;
        for (int q = 0; q < test.Rows; q++)
        {
            voted.Clear();
            for (int rank = 0; rank < neighbours.K; rank++)
            {
                int label = train.Labels[neighbours.Index(q, rank)];
                if (votedFor[label] != q + 1)
                {
                    votedFor[label] = q + 1;
                    voted.Add(label);
                }
                votes[label] += Math.Exp(neighbours.Score(q, rank) / options.Temperature);
            }
            // Only classes with a vote can be predicted, so only they are ranked: at most k, not every class.
            RankClasses(votes, voted);
            predictions[q] = voted[0];
            int truth = test.Labels[q];
            if (voted[0] == truth)
                top1++;
            int within = voted.IndexOf(truth);
            if (within is >= 0 and < 5)
                top5++;
            foreach (int c in voted)
                votes[c] = 0;
        }
        return new KnnEvaluation(
            (double)top1 / test.Rows,
            classes >= 5 ? (double)top5 / test.Rows : null,
            neighbours.K,
            options.Temperature,
            predictions);
    }

    /// <summary>Sorts <paramref name="classes"/> by vote, most first; equal votes by class index, lower first.</summary>
    internal static void RankClasses(double[] votes, List<int> classes) =>
        // List.Sort is not stable, so the class index breaks ties explicitly.
        classes.Sort((a, b) => votes[a] != votes[b] ? votes[b].CompareTo(votes[a]) : a.CompareTo(b));
}
