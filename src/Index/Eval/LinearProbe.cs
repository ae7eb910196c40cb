namespace Pipeline.Index.Eval;

/// <summary>
/// Linear probe on frozen features, as the DINOv2 and ConvNeXt papers evaluate a backbone: multinomial logistic
/// regression on features standardised with the train set's mean and standard deviation. The weight decay is chosen
/// from <see cref="LinearProbeOptions.WeightDecays"/> by accuracy on a stratified validation split of the train set
/// (equal accuracy: the larger weight decay); the probe is then refitted on the whole train set and scored on test.
/// </summary>
/// <remarks>
/// Deterministic: the validation split is seeded, every fit starts from zero and runs a fixed number of full-batch
/// steps (see <see cref="SoftmaxRegression"/>). If no class of the train set has two rows, nothing can be held out and
/// the middle value of the grid is used. A few thousand rows of 384 values and 10 classes take seconds on two cores.
/// </remarks>
public static class LinearProbe
{
    /// <summary>Fits the probe on <paramref name="train"/> and measures its top-1 accuracy on <paramref name="test"/>.</summary>
    /// <param name="classes">Number of classes; every label of both sets must be below it.</param>
    /// <exception cref="ArgumentException">The dimensions differ, a label is out of range, or the options are invalid.</exception>
    public static LinearProbeResult Evaluate(LabelledFeatures train, LabelledFeatures test, int classes, LinearProbeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        options ??= new LinearProbeOptions();
        options.Validate();
        if (train.Dimension != test.Dimension)
            throw new ArgumentException($"train features have dimension {train.Dimension} but test features {test.Dimension}.", nameof(test));
        train.ValidateClasses(classes, nameof(train));
        test.ValidateClasses(classes, nameof(test));
        foreach (var (set, name) in new[] { (train, "train"), (test, "test") })
        {
            int bad = Array.FindIndex(set.Features, v => !float.IsFinite(v));
            if (bad >= 0)
                throw new ArgumentException($"row {bad / set.Dimension} of the {name} set holds {set.Features[bad]}.", name);
        }

        var (weightDecay, trials) = ChooseWeightDecay(train, classes, options);
        var model = SoftmaxRegression.Fit(train, classes, weightDecay, options.Iterations);
        var predictions = model.Predict(test);
        return new LinearProbeResult(Accuracy(predictions, test.Labels), weightDecay, trials, predictions);
    }

    private static (double WeightDecay, IReadOnlyList<WeightDecayTrial> Trials) ChooseWeightDecay(LabelledFeatures train, int classes, LinearProbeOptions options)
    {
        var grid = options.WeightDecays;
        if (grid.Count == 1)
            return (grid[0], []);
        var (fitRows, validationRows) = StratifiedSplit.Split(train.Labels, options.ValidationFraction, options.Seed);
        if (validationRows.Length == 0)
            return (grid[grid.Count / 2], []);

        var fit = train.Select(fitRows);
        var validation = train.Select(validationRows);
        var models = SoftmaxRegression.Fit(fit, classes, grid, options.Iterations);
        var trials = new List<WeightDecayTrial>(grid.Count);
        WeightDecayTrial? best = null;
        for (int g = 0; g < grid.Count; g++)
        {
            var trial = new WeightDecayTrial(grid[g], Accuracy(models[g].Predict(validation), validation.Labels));
            trials.Add(trial);
            if (best is null || trial.ValidationAccuracy > best.ValidationAccuracy ||
                (trial.ValidationAccuracy == best.ValidationAccuracy && trial.WeightDecay > best.WeightDecay))
            {
                best = trial;
            }
        }
        return (best!.WeightDecay, trials);
    }

    private static double Accuracy(int[] predictions, int[] labels)
    {
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (predictions[i] == labels[i])
                correct++;
        }
        return (double)correct / labels.Length;
    }
}
