using Pipeline.Grains.Embed;

namespace Pipeline.Grains.Tests.Jobs;

/// <summary>The size-grouping stage: full groups run, too many waiting samples flush the largest, the rest drain in order.</summary>
public sealed class SizeGroupBatcherTests
{
    private static PreparedSample Sample(string name, int height, int width) =>
        new(name, new float[3 * height * width], width, height) { InputHeight = height, InputWidth = width };

    [Fact]
    public void AGroupRunsWhenFullAndTheRestDrainInOrderOfFirstAppearance()
    {
        var batcher = new SizeGroupBatcher(batchSize: 2, maxPending: 8);
        Assert.Null(batcher.Add(0, Sample("a", 28, 42)));
        Assert.Null(batcher.Add(1, Sample("b", 14, 14)));
        var full = batcher.Add(2, Sample("c", 28, 42));
        Assert.NotNull(full);
        Assert.True((full.Height, full.Width) == (28, 42), $"expected the 28x42 group, seen {full.Height}x{full.Width}");
        Assert.Equal([0, 2], full.Samples.Select(s => s.Order));
        Assert.Null(batcher.Add(3, Sample("d", 42, 28)));
        Assert.Equal(2, batcher.Pending);

        var rest = batcher.Drain();
        Assert.Equal(["b", "d"], rest.Select(g => g.Samples.Single().Sample.ImagePath));
        Assert.Equal(0, batcher.Pending);
    }

    [Fact]
    public void TooManyWaitingSamplesRunTheLargestGroupEarly()
    {
        var batcher = new SizeGroupBatcher(batchSize: 4, maxPending: 4);
        Assert.Null(batcher.Add(0, Sample("a", 14, 14)));
        Assert.Null(batcher.Add(1, Sample("b", 28, 28)));
        Assert.Null(batcher.Add(2, Sample("c", 28, 28)));
        Assert.Null(batcher.Add(3, Sample("d", 42, 14)));
        var early = batcher.Add(4, Sample("e", 56, 14));
        Assert.NotNull(early);
        Assert.True((early.Height, early.Width) == (28, 28), $"expected the largest group (28x28), seen {early.Height}x{early.Width}");
        Assert.Equal([1, 2], early.Samples.Select(s => s.Order));
        Assert.Equal(3, batcher.Pending);
    }

    [Fact]
    public void ASampleWithoutAnInputSizeIsRefused()
    {
        var batcher = new SizeGroupBatcher(batchSize: 2, maxPending: 4);
        var e = Assert.Throws<ArgumentException>(() => batcher.Add(0, new PreparedSample("x", new float[3], 1, 1)));
        Assert.Contains("expected pixels with a model input size", e.Message, StringComparison.Ordinal);
    }
}
