using Pipeline.Index.Pages;

namespace Pipeline.Index.Tests.Pages;

/// <summary>The page records the tests render, built over <see cref="TestImageFolder"/>'s images.</summary>
internal static class SamplePages
{
    /// <summary>Query image + 6 neighbours (one corrupt, one with a script-tag path): 7 img elements.</summary>
    public static QueryPage Query() => new(
        "Nearest neighbours of photo.jpg",
        "k = 6, index demo-cosine, 3 ms",
        PageQuery.FromImage(TestImageFolder.Photo),
        IndexMetric.Cosine,
        [
            new PageNeighbour(1, TestImageFolder.Photo, 1f),
            new PageNeighbour(2, TestImageFolder.Large, 0.87314f),
            new PageNeighbour(3, TestImageFolder.Tall, 0.5f),
            new PageNeighbour(4, TestImageFolder.Corrupt, 0.41229f),
            new PageNeighbour(5, TestImageFolder.ScriptPath, 0.3f),
            new PageNeighbour(6, TestImageFolder.Rotated, -0.01234f),
        ]);

    public const int QueryImages = 7;

    /// <summary>3 clusters, 8 members, 5 removed, one corrupt member: 8 img elements.</summary>
    public static DuplicatesPage Duplicates() => new(
        "Duplicates in demo corpus",
        0.95,
        IndexMetric.Cosine,
        [
            new PageCluster(0, [
                new PageClusterMember(TestImageFolder.Photo, true, 0.99123f),
                new PageClusterMember(TestImageFolder.Large, false, 0.99123f),
                new PageClusterMember(TestImageFolder.Small, false, 0.96f),
            ]),
            new PageCluster(7, [
                new PageClusterMember(TestImageFolder.Tall, true, null),
                new PageClusterMember(TestImageFolder.Corrupt, false, 0.951f),
            ]),
            new PageCluster(12, [
                new PageClusterMember(TestImageFolder.QuotePath, true, 0.97f),
                new PageClusterMember(TestImageFolder.ScriptPath, false, 0.97f),
                new PageClusterMember(TestImageFolder.Rotated, false, 0.955f),
            ]),
        ]);

    public const int DuplicateImages = 8;
}
