namespace Pipeline.Index.Eval;

/// <summary>A train/test split of labelled images; both lists keep the input order.</summary>
/// <param name="Train">Images to fit on (k-NN database, linear probe training set).</param>
/// <param name="Test">Images to evaluate on.</param>
public sealed record LabelledSplit(IReadOnlyList<LabelledImage> Train, IReadOnlyList<LabelledImage> Test)
{
    /// <summary>
    /// Splits <paramref name="items"/> per class, so every class keeps its share on both sides. A class with n
    /// &gt;= 2 images puts clamp(round(n * <paramref name="testFraction"/>), 1, n - 1) of them in test: at least one
    /// train and one test image. A class with a single image goes to train (it cannot be tested without leaving the
    /// classifier nothing to learn from). The same items, fraction and seed always give the same split.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testFraction"/> is not strictly between 0 and 1.</exception>
    public static LabelledSplit Split(IReadOnlyList<LabelledImage> items, double testFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(items);
        var (train, test) = StratifiedSplit.Split(items.Select(i => i.Label).ToList(), testFraction, seed);
        return new LabelledSplit([.. train.Select(i => items[i])], [.. test.Select(i => items[i])]);
    }
}
