namespace Pipeline.Index.Eval;

/// <summary>
/// The frozen-feature evaluation of one embedding: k-NN and linear-probe accuracy on a labelled test split. A plain
/// record of numbers, ready to print or to serialise (e.g. with <c>Pipeline.Storage.Commit.OutputJson</c>: snake_case,
/// nulls left out). Accuracies are shares in [0, 1].
/// </summary>
/// <param name="TrainImages">Rows the classifiers were fitted on.</param>
/// <param name="TestImages">Rows they were scored on.</param>
/// <param name="Classes">Number of classes.</param>
/// <param name="KnnK">Neighbours that voted (k, or the train size when smaller).</param>
/// <param name="KnnTemperature">Temperature of the k-NN vote weights.</param>
/// <param name="KnnTop1">k-NN top-1 accuracy.</param>
/// <param name="KnnTop5">k-NN top-5 accuracy; null with fewer than five classes.</param>
/// <param name="LinearTop1">Linear-probe top-1 accuracy.</param>
/// <param name="LinearWeightDecay">The weight decay the probe chose on its validation split.</param>
/// <param name="LinearTrials">Validation accuracy of each weight decay tried.</param>
public sealed record EvaluationReport(
    int TrainImages,
    int TestImages,
    int Classes,
    int KnnK,
    double KnnTemperature,
    double KnnTop1,
    double? KnnTop5,
    double LinearTop1,
    double LinearWeightDecay,
    IReadOnlyList<WeightDecayTrial> LinearTrials)
{
    /// <summary>One line for a console: "train 800, test 200, 10 classes; k-NN (k=20) top-1 91.5% top-5 99.0%; linear top-1 93.0% (wd 1e-04)".</summary>
    public override string ToString()
    {
        var top5 = KnnTop5 is { } t5 ? $" top-5 {t5:P1}" : "";
        return FormattableString.Invariant(
            $"train {TrainImages}, test {TestImages}, {Classes} classes; k-NN (k={KnnK}) top-1 {KnnTop1:P1}{top5}; linear top-1 {LinearTop1:P1} (wd {LinearWeightDecay:0e+00})");
    }
}
