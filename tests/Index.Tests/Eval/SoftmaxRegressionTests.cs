using Pipeline.Index.Eval;

namespace Pipeline.Index.Tests.Eval;

public sealed class SoftmaxRegressionTests
{
    /// <summary>The minimum for weight decays 1e-3 and 1e-1 on <see cref="Correlated"/>: 3000 steps, fitted together once.</summary>
    private static readonly Lazy<double[]> Minima = new(() =>
    {
        var data = Correlated();
        var models = SoftmaxRegression.Fit(data, 6, [1e-3, 1e-1], iterations: 3000);
        return [models[0].Objective(data, 1e-3), models[1].Objective(data, 1e-1)];
    });

    /// <summary>Overlapping blobs whose features share a strong common factor: ill-conditioned, as real embeddings are.</summary>
    private static LabelledFeatures Correlated()
    {
        var data = Blobs.Sample(Blobs.Centres(classes: 6, dimension: 32, separation: 0.4, seed: 40), rows: 900, seed: 41);
        for (int r = 0; r < data.Rows; r++)
        {
            for (int d = 1; d < 32; d++)
                data.Features[r * 32 + d] += 3 * data.Features[r * 32];
        }
        return data;
    }

    [Theory]
    [InlineData(0, 1e-3)]
    [InlineData(1, 1e-1)]
    public void The_fixed_budget_gets_close_to_the_minimum(int minimum, double weightDecay)
    {
        var data = Correlated();

        double budget = SoftmaxRegression.Fit(data, 6, weightDecay, iterations: 300).Objective(data, weightDecay);
        double longRun = Minima.Value[minimum];

        Assert.True(budget < Math.Log(6) - 0.1, $"the fit should improve on zero weights (objective ln 6 = {Math.Log(6):F4}); saw {budget:F4}.");
        Assert.True(longRun <= budget + 1e-6, $"a longer run should not end higher: 300 steps {budget:F6}, 3000 steps {longRun:F6}.");
        Assert.True(budget - longRun < 2e-3, $"300 steps should be within 2e-3 of the minimum: 300 steps {budget:F6}, 3000 steps {longRun:F6}.");
    }

    [Fact]
    public void The_problem_of_the_budget_test_needs_the_budget()
    {
        // Shows the test above can fail: 30 steps are far from the minimum on the same data.
        var data = Correlated();

        double early = SoftmaxRegression.Fit(data, 6, 1e-3, iterations: 30).Objective(data, 1e-3);
        double longRun = Minima.Value[0];

        Assert.True(early - longRun > 0.05, $"expected 30 steps to be far from the minimum; 30 steps {early:F6}, 3000 steps {longRun:F6}.");
    }

    [Fact]
    public void Fitting_several_weight_decays_at_once_matches_fitting_each()
    {
        var data = Correlated();
        double[] grid = [1e-4, 1e-2, 1];

        var together = SoftmaxRegression.Fit(data, 6, grid, iterations: 200);

        for (int g = 0; g < grid.Length; g++)
        {
            double alone = SoftmaxRegression.Fit(data, 6, grid[g], iterations: 200).Objective(data, grid[g]);
            double joint = together[g].Objective(data, grid[g]);
            Assert.True(Math.Abs(alone - joint) < 1e-4, $"weight decay {grid[g]}: alone {alone:F6}, together {joint:F6}.");
        }
    }

    [Fact]
    public void Separable_data_with_little_weight_decay_does_not_diverge()
    {
        var centres = Blobs.Centres(classes: 3, dimension: 20, separation: 3, seed: 42);
        var data = Blobs.Sample(centres, rows: 300, seed: 43);

        var model = SoftmaxRegression.Fit(data, 3, weightDecay: 0, iterations: 1000);

        double objective = model.Objective(data, 0);
        Assert.True(double.IsFinite(objective) && objective < 0.01, $"expected a small finite loss on separable data; saw {objective}.");
        Assert.Equal(data.Labels, model.Predict(data));
    }
}
