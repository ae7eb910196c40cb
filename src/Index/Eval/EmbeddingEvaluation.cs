namespace Pipeline.Index.Eval;

/// <summary>Runs both frozen-feature evaluations, <see cref="KnnClassifier"/> and <see cref="LinearProbe"/>, on one split.</summary>
public static class EmbeddingEvaluation
{
    /// <summary>Evaluates the features of <paramref name="train"/> and <paramref name="test"/> with both classifiers.</summary>
    /// <param name="classes">Number of classes; every label of both sets must be below it.</param>
    /// <exception cref="ArgumentException">As <see cref="KnnClassifier.Evaluate"/> and <see cref="LinearProbe.Evaluate"/>.</exception>
    public static EvaluationReport Run(
        LabelledFeatures train,
        LabelledFeatures test,
        int classes,
        KnnClassifierOptions? knnOptions = null,
        LinearProbeOptions? probeOptions = null)
    {
        var knn = KnnClassifier.Evaluate(train, test, classes, knnOptions);
        var probe = LinearProbe.Evaluate(train, test, classes, probeOptions);
        return new EvaluationReport(
            train.Rows, test.Rows, classes,
            knn.K, knn.Temperature, knn.Top1Accuracy, knn.Top5Accuracy,
            probe.Top1Accuracy, probe.WeightDecay, probe.Trials);
    }
}
