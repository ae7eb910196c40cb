using Pipeline.Index.Eval;

namespace Pipeline.Index.Tests.Eval;

public sealed class LabelledSplitTests
{
    /// <summary>Class sizes 1, 2, 3, 10 and 37, shuffled together.</summary>
    private static List<LabelledImage> Items()
    {
        var sizes = new Dictionary<string, int> { ["one"] = 1, ["two"] = 2, ["three"] = 3, ["ten"] = 10, ["many"] = 37 };
        var items = sizes.SelectMany(s => Enumerable.Range(0, s.Value).Select(i => new LabelledImage($"{s.Key}/{i}.jpg", s.Key))).ToList();
        new Random(5).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(items));
        return items;
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.01)]
    [InlineData(0.9)]
    public void Every_class_keeps_its_share_on_both_sides(double fraction)
    {
        var items = Items();

        var split = LabelledSplit.Split(items, fraction, seed: 1);

        Assert.Equal(items.Count, split.Train.Count + split.Test.Count);
        Assert.Empty(split.Train.Intersect(split.Test));
        foreach (var group in items.GroupBy(i => i.Label))
        {
            int n = group.Count();
            int test = split.Test.Count(i => i.Label == group.Key);
            int expected = n < 2 ? 0 : Math.Clamp((int)Math.Round(n * fraction, MidpointRounding.AwayFromZero), 1, n - 1);
            Assert.True(expected == test, $"class '{group.Key}' of {n}: expected {expected} test items at fraction {fraction}; saw {test}.");
        }
        // Input order is kept on both sides.
        Assert.Equal(items.Where(split.Train.Contains), split.Train);
        Assert.Equal(items.Where(split.Test.Contains), split.Test);
    }

    [Fact]
    public void The_same_seed_gives_the_same_split_and_another_seed_another()
    {
        var items = Items();

        var first = LabelledSplit.Split(items, 0.3, seed: 7);
        var again = LabelledSplit.Split([.. items], 0.3, seed: 7);
        var other = LabelledSplit.Split(items, 0.3, seed: 8);

        Assert.Equal(first.Test, again.Test);
        Assert.Equal(first.Train, again.Train);
        Assert.NotEqual(first.Test, other.Test);
        Assert.Equal(first.Test.Count, other.Test.Count);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    public void The_fraction_must_be_strictly_between_zero_and_one(double fraction)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => LabelledSplit.Split(Items(), fraction, seed: 1));
        Assert.Contains("greater than 0 and less than 1", error.Message);
    }
}
