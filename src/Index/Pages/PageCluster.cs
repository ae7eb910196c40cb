namespace Pipeline.Index.Pages;

/// <summary>One group of near-duplicate images on a <see cref="DuplicatesPage"/>.</summary>
/// <param name="Id">The cluster id, shown in the cluster heading.</param>
/// <param name="Members">The images, shown in the order given; normally exactly one has <see cref="PageClusterMember.Keep"/>.</param>
public sealed record PageCluster(long Id, IReadOnlyList<PageClusterMember> Members);
