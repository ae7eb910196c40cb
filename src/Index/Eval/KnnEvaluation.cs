namespace Pipeline.Index.Eval;

/// <summary>What <see cref="KnnClassifier.Evaluate"/> measured on a test set.</summary>
/// <param name="Top1Accuracy">Share of test rows whose top-voted class is their class.</param>
/// <param name="Top5Accuracy">
/// Share of test rows whose class received a vote and is among the five classes with the most votes; null when there
/// are fewer than five classes, where it would say nothing.
/// </param>
/// <param name="K">Neighbours that voted: the requested k, or the train set's size when that is smaller.</param>
/// <param name="Temperature">The temperature of the vote weights.</param>
/// <param name="Predictions">The top-voted class of each test row.</param>
public sealed record KnnEvaluation(double Top1Accuracy, double? Top5Accuracy, int K, double Temperature, int[] Predictions);
