namespace Pipeline.Index.Pages;

/// <summary>One image of a <see cref="PageCluster"/>.</summary>
/// <param name="ImagePath">The image, passed to the <see cref="ThumbnailSource"/>.</param>
/// <param name="Keep">True for the image the dedup keeps; the page marks it. The others are removed.</param>
/// <param name="NearestScore">Score to the nearest other member, in the page's metric; <see langword="null"/> shows a dash.</param>
public sealed record PageClusterMember(string ImagePath, bool Keep, float? NearestScore);
