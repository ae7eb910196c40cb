namespace Pipeline.Index.Eval;

public sealed partial class LabelledFeatures
{
    /// <summary>
    /// The embeddings of the labelled images <paramref name="items"/>, in their order, with their class indices: how a
    /// label file meets an embedded corpus. Images without an embedding (not in the corpus, or failed to embed) are
    /// left out and listed in <paramref name="missing"/>, in order.
    /// </summary>
    /// <param name="items">Labelled images, e.g. one side of a <see cref="LabelledSplit"/>.</param>
    /// <param name="classes">The classes; every label of <paramref name="items"/> must be one of them.</param>
    /// <param name="embeddings">Row-major [rows, <paramref name="dimension"/>] embedding matrix.</param>
    /// <param name="dimension">Values per embedding.</param>
    /// <param name="rowOfImage">The row of <paramref name="embeddings"/> of each embedded image path.</param>
    /// <param name="missing">Image paths of <paramref name="items"/> that have no row.</param>
    /// <exception cref="ArgumentException">No labelled image has an embedding, or a row is outside the matrix.</exception>
    public static LabelledFeatures Gather(
        IReadOnlyList<LabelledImage> items,
        LabelClasses classes,
        ReadOnlySpan<float> embeddings,
        int dimension,
        IReadOnlyDictionary<string, int> rowOfImage,
        out IReadOnlyList<string> missing)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(rowOfImage);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        int rows = embeddings.Length / dimension;
        var features = new List<float>();
        var labels = new List<int>();
        var absent = new List<string>();
        foreach (var item in items)
        {
            if (!rowOfImage.TryGetValue(item.ImagePath, out int row))
            {
                absent.Add(item.ImagePath);
                continue;
            }
            if (row < 0 || row >= rows)
                throw new ArgumentException($"'{item.ImagePath}' is mapped to row {row}, outside the {rows} embedding rows.", nameof(rowOfImage));
            features.AddRange(embeddings.Slice(row * dimension, dimension));
            labels.Add(classes.IndexOf(item.Label));
        }
        missing = absent;
        if (labels.Count == 0)
            throw new ArgumentException($"none of the {items.Count} labelled images has an embedding; check that the label file names the corpus's image paths.", nameof(items));
        return new LabelledFeatures([.. features], dimension, [.. labels]);
    }
}
