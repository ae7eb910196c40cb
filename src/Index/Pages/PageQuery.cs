namespace Pipeline.Index.Pages;

/// <summary>The query of a <see cref="QueryPage"/>.</summary>
/// <param name="Label">What the query was, in words: the image path, <c>vector from q.npy</c>, <c>id 1234</c>.</param>
/// <param name="ImagePath">The query image, shown as a thumbnail; <see langword="null"/> for a query with no image.</param>
public sealed record PageQuery(string Label, string? ImagePath)
{
    /// <summary>A query by image: the path is both the label and the thumbnail.</summary>
    public static PageQuery FromImage(string imagePath) => new(imagePath, imagePath);

    /// <summary>A query with no image (a vector or a row id), shown as a text box with <paramref name="label"/>.</summary>
    public static PageQuery WithoutImage(string label) => new(label, null);
}
