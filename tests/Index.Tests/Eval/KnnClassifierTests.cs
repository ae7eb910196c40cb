using Pipeline.Index.Eval;

namespace Pipeline.Index.Tests.Eval;

public sealed class KnnClassifierTests
{
    [Theory]
    [InlineData(20, 0.07, 1)]
    [InlineData(1, 0.07, 2)]
    [InlineData(7, 1.0, 3)]
    [InlineData(50, 0.02, 4)]
    [InlineData(500, 0.07, 5)]
    public void Matches_a_straightforward_double_precision_implementation(int k, double temperature, int seed)
    {
        // 8 overlapping classes in 12 dimensions: accuracies well away from 0 and 1, so votes decide.
        var centres = Blobs.Centres(classes: 8, dimension: 12, separation: 0.6, seed);
        var train = Blobs.Sample(centres, rows: 300, seed: seed + 100);
        var test = Blobs.Sample(centres, rows: 120, seed: seed + 200);

        var result = KnnClassifier.Evaluate(train, test, 8, new KnnClassifierOptions { K = k, Temperature = temperature });

        var (predictions, top1, top5) = KnnReference.Evaluate(train.Features, train.Labels, test.Features, test.Labels, 12, 8, Math.Min(k, 300), temperature);
        Assert.Equal(predictions, result.Predictions);
        Assert.Equal(top1, result.Top1Accuracy);
        Assert.Equal(top5, result.Top5Accuracy);
        Assert.Equal(Math.Min(k, 300), result.K);
        Assert.InRange(result.Top1Accuracy, 0.2, 0.95);
    }

    [Fact]
    public void Hand_computed_votes_depend_on_the_temperature()
    {
        // Test (1, 0); train a = (1, 0) class 0, b = (0.8, 0.6) and c = (0.6, 0.8) class 1, d = (0, 1) class 2;
        // cosine similarities 1, 0.8, 0.6, 0.
        var train = new LabelledFeatures([1, 0, 0.8f, 0.6f, 0.6f, 0.8f, 0, 1], 2, [0, 1, 1, 2]);
        var test = new LabelledFeatures([1, 0], 2, [1]);

        // T = 0.07, k = 3: class 0 gets e^(1/0.07) = 1.6e6, class 1 e^(0.8/0.07) + e^(0.6/0.07) = 9.7e4: class 0 wins.
        var cold = KnnClassifier.Evaluate(train, test, 3, new KnnClassifierOptions { K = 3 });
        // T = 1, k = 3: class 0 gets e = 2.72, class 1 e^0.8 + e^0.6 = 4.05: class 1 wins.
        var warm = KnnClassifier.Evaluate(train, test, 3, new KnnClassifierOptions { K = 3, Temperature = 1 });
        // k = 1: only a votes.
        var single = KnnClassifier.Evaluate(train, test, 3, new KnnClassifierOptions { K = 1, Temperature = 1 });

        Assert.Equal([0], cold.Predictions);
        Assert.Equal(0, cold.Top1Accuracy);
        Assert.Equal([1], warm.Predictions);
        Assert.Equal(1, warm.Top1Accuracy);
        Assert.Equal([0], single.Predictions);
        Assert.Null(warm.Top5Accuracy);
    }

    [Fact]
    public void Top_five_counts_only_voted_classes_among_the_five_best()
    {
        // Six train rows, one per class, at falling similarity to the test direction (1, 0): class c at angle 10c degrees.
        var trainFeatures = Enumerable.Range(0, 6).SelectMany(c => new[] { (float)Math.Cos(c * Math.PI / 18), (float)Math.Sin(c * Math.PI / 18) }).ToArray();
        var train = new LabelledFeatures(trainFeatures, 2, [0, 1, 2, 3, 4, 5]);
        var test = new LabelledFeatures([1, 0, 1, 0, 1, 0], 2, [0, 4, 5]);

        var all = KnnClassifier.Evaluate(train, test, 6, new KnnClassifierOptions { K = 6 });
        var two = KnnClassifier.Evaluate(train, test, 6, new KnnClassifierOptions { K = 2 });

        // k = 6: ranking 0, 1, 2, 3, 4, 5; class 0 is top-1, class 4 is in the top five, class 5 sixth.
        Assert.Equal([0, 0, 0], all.Predictions);
        Assert.Equal(1.0 / 3, all.Top1Accuracy);
        Assert.Equal(2.0 / 3, all.Top5Accuracy);
        // k = 2: only classes 0 and 1 have votes, so class 4 is not among the predictions.
        Assert.Equal(1.0 / 3, two.Top5Accuracy);
    }

    [Fact]
    public void Equal_votes_go_to_the_lower_class()
    {
        var train = new LabelledFeatures([1, 0, 1, 0], 2, [1, 0]);
        var test = new LabelledFeatures([1, 0], 2, [0]);

        var result = KnnClassifier.Evaluate(train, test, 2, new KnnClassifierOptions { K = 2 });

        Assert.Equal([0], result.Predictions);
    }

    [Fact]
    public void Mismatched_inputs_are_rejected()
    {
        var train = new LabelledFeatures([1, 0, 0, 1], 2, [0, 1]);

        var dimension = Assert.Throws<ArgumentException>(() => KnnClassifier.Evaluate(train, new LabelledFeatures([1, 0, 0], 3, [0]), 2));
        Assert.Contains("dimension 2 but test features 3", dimension.Message);
        var label = Assert.Throws<ArgumentException>(() => KnnClassifier.Evaluate(train, new LabelledFeatures([1, 0], 2, [2]), 2));
        Assert.Contains("row 0 of the test set has class 2, but there are 2 classes", label.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => KnnClassifier.Evaluate(train, train, 2, new KnnClassifierOptions { Temperature = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => KnnClassifier.Evaluate(train, train, 2, new KnnClassifierOptions { K = 0 }));
    }
}
