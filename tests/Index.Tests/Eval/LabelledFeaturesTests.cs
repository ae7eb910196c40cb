using Pipeline.Index.Eval;

namespace Pipeline.Index.Tests.Eval;

public sealed class LabelledFeaturesTests
{
    [Fact]
    public void Gather_takes_the_rows_of_labelled_images_and_lists_the_missing()
    {
        LabelledImage[] items = [new("b.jpg", "dog"), new("gone.jpg", "cat"), new("a.jpg", "cat")];
        var classes = LabelClasses.From(items);
        float[] embeddings = [0, 0, 1, 1, 2, 2];
        var rows = new Dictionary<string, int> { ["a.jpg"] = 0, ["b.jpg"] = 2, ["c.jpg"] = 1 };

        var set = LabelledFeatures.Gather(items, classes, embeddings, 2, rows, out var missing);

        Assert.Equal([2f, 2, 0, 0], set.Features);
        Assert.Equal([1, 0], set.Labels); // classes "cat" = 0, "dog" = 1
        Assert.Equal(["gone.jpg"], missing);
    }

    [Fact]
    public void Gather_with_no_embedded_image_says_so()
    {
        LabelledImage[] items = [new("x.jpg", "cat")];

        var error = Assert.Throws<ArgumentException>(() =>
            LabelledFeatures.Gather(items, LabelClasses.From(items), [1f, 2], 2, new Dictionary<string, int>(), out _));

        Assert.Contains("none of the 1 labelled images has an embedding", error.Message);
    }

    [Fact]
    public void Classes_are_ordered_numerically_when_every_label_is_an_integer()
    {
        var numeric = LabelClasses.From([new("a", "10"), new("b", "2"), new("c", "-1"), new("d", "2")]);
        var text = LabelClasses.From([new("a", "10"), new("b", "2"), new("c", "cat")]);

        Assert.Equal(["-1", "2", "10"], numeric.Names);
        Assert.Equal(2, numeric.IndexOf("10"));
        Assert.Equal(["10", "2", "cat"], text.Names);
        Assert.Throws<KeyNotFoundException>(() => text.IndexOf("dog"));
    }

    [Fact]
    public void Shapes_are_checked()
    {
        Assert.Throws<ArgumentException>(() => new LabelledFeatures([1, 2, 3], 2, [0, 1]));
        Assert.Throws<ArgumentException>(() => new LabelledFeatures([], 2, []));
        Assert.Throws<ArgumentException>(() => new LabelledFeatures([1, 2], 2, [-1]));
    }
}
