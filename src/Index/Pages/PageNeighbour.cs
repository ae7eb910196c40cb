namespace Pipeline.Index.Pages;

/// <summary>One result of a <see cref="QueryPage"/>.</summary>
/// <param name="Rank">1-based position in the result list, shown as <c>#1</c>.</param>
/// <param name="ImagePath">The image of the stored row, passed to the <see cref="ThumbnailSource"/>.</param>
/// <param name="Score">The score in the page's <see cref="QueryPage.Metric"/>, shown with four decimals.</param>
public sealed record PageNeighbour(int Rank, string ImagePath, float Score);
