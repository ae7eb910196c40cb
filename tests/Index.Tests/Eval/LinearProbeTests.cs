using Pipeline.Index.Eval;

namespace Pipeline.Index.Tests.Eval;

public sealed class LinearProbeTests
{
    [Fact]
    public void Separated_blobs_are_classified_almost_perfectly()
    {
        // The size the probe is meant for: 2000 x 384, 10 classes.
        var centres = Blobs.Centres(classes: 10, dimension: 384, separation: 0.3, seed: 1);
        var train = Blobs.Sample(centres, rows: 2000, seed: 2);
        var test = Blobs.Sample(centres, rows: 500, seed: 3);

        var result = LinearProbe.Evaluate(train, test, 10);

        Assert.True(result.Top1Accuracy >= 0.98, $"expected top-1 >= 0.98 on separated blobs; saw {result.Top1Accuracy}.");
        Assert.Equal(LinearProbeOptions.DefaultWeightDecays, result.Trials.Select(t => t.WeightDecay));
        Assert.Contains(result.WeightDecay, LinearProbeOptions.DefaultWeightDecays);
    }

    [Fact]
    public void Overlapping_blobs_are_classified_clearly_above_chance()
    {
        var centres = Blobs.Centres(classes: 4, dimension: 16, separation: 0.3, seed: 4);
        var train = Blobs.Sample(centres, rows: 800, seed: 5);
        var test = Blobs.Sample(centres, rows: 400, seed: 6);

        var result = LinearProbe.Evaluate(train, test, 4);

        Assert.InRange(result.Top1Accuracy, 0.45, 0.95); // chance is 0.25; below 0.95 shows the blobs overlap
    }

    [Fact]
    public void Two_runs_give_identical_results()
    {
        var centres = Blobs.Centres(classes: 5, dimension: 32, separation: 0.35, seed: 7);
        var train = Blobs.Sample(centres, rows: 600, seed: 8);
        var test = Blobs.Sample(centres, rows: 200, seed: 9);
        var options = new LinearProbeOptions { Seed = 3 };

        var first = LinearProbe.Evaluate(train, test, 5, options);
        var second = LinearProbe.Evaluate(train, test, 5, options);

        Assert.Equal(first.Predictions, second.Predictions);
        Assert.Equal(first.Trials, second.Trials);
        Assert.Equal(first.Top1Accuracy, second.Top1Accuracy);
        Assert.Equal(first.WeightDecay, second.WeightDecay);
    }

    [Fact]
    public void A_large_weight_decay_leaves_only_the_bias_which_predicts_the_majority_class()
    {
        // Class 2 is the most frequent in train; with W pinned at 0 only the (unpenalised) bias learns the priors.
        var centres = Blobs.Centres(classes: 3, dimension: 8, separation: 1, seed: 10);
        var sample = Blobs.Sample(centres, rows: 300, seed: 11);
        var rows = Enumerable.Range(0, sample.Rows).Where(r => sample.Labels[r] == 2 || r % 2 == 0).ToArray();
        var train = new LabelledFeatures(
            [.. rows.SelectMany(r => sample.Features.Skip(r * 8).Take(8))], 8, [.. rows.Select(r => sample.Labels[r])]);
        var test = Blobs.Sample(centres, rows: 30, seed: 12);

        var result = LinearProbe.Evaluate(train, test, 3, new LinearProbeOptions { WeightDecays = [100] });

        Assert.All(result.Predictions, p => Assert.Equal(2, p));
        Assert.Empty(result.Trials);
        Assert.Equal(100, result.WeightDecay);
    }

    [Fact]
    public void A_constant_feature_does_not_break_standardisation()
    {
        var centres = Blobs.Centres(classes: 2, dimension: 4, separation: 2, seed: 13);
        var train = Blobs.Sample(centres, rows: 100, seed: 14);
        var test = Blobs.Sample(centres, rows: 50, seed: 15);
        foreach (var set in new[] { train, test })
        {
            for (int r = 0; r < set.Rows; r++)
                set.Features[r * 4 + 1] = 5;
        }

        var result = LinearProbe.Evaluate(train, test, 2);

        Assert.True(result.Top1Accuracy > 0.8, $"expected a working probe; saw top-1 {result.Top1Accuracy}.");
    }

    [Fact]
    public void Invalid_inputs_are_rejected()
    {
        var train = new LabelledFeatures([1, 0, 0, 1], 2, [0, 1]);

        Assert.Throws<ArgumentException>(() => LinearProbe.Evaluate(train, new LabelledFeatures([1, 0, 0], 3, [0]), 2));
        Assert.Throws<ArgumentException>(() => LinearProbe.Evaluate(train, train, 2, new LinearProbeOptions { WeightDecays = [] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => LinearProbe.Evaluate(train, train, 2, new LinearProbeOptions { WeightDecays = [-1] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => LinearProbe.Evaluate(train, train, 2, new LinearProbeOptions { ValidationFraction = 1 }));
        var nan = Assert.Throws<ArgumentException>(() => LinearProbe.Evaluate(new LabelledFeatures([1, float.NaN, 0, 1], 2, [0, 1]), train, 2));
        Assert.Contains("row 0 of the train set holds NaN", nan.Message);
    }
}
