namespace Pipeline.Index.Eval;

/// <summary>What <see cref="LinearProbe.Evaluate"/> measured.</summary>
/// <param name="Top1Accuracy">Share of test rows the probe fitted on the whole train set classifies correctly.</param>
/// <param name="WeightDecay">The weight decay chosen on the validation split (the only one, for a one-value grid).</param>
/// <param name="Trials">Validation accuracy of each weight decay tried, in grid order; empty when nothing was chosen.</param>
/// <param name="Predictions">The predicted class of each test row.</param>
public sealed record LinearProbeResult(double Top1Accuracy, double WeightDecay, IReadOnlyList<WeightDecayTrial> Trials, int[] Predictions);

/// <summary>One weight decay of the grid and its accuracy on the validation split.</summary>
public sealed record WeightDecayTrial(double WeightDecay, double ValidationAccuracy);
