namespace Pipeline.Grains.Jobs;

/// <summary>What the <c>_shards/</c> folder says: the tasks with a done marker and those with a failure record.</summary>
public sealed record MarkerListing(HashSet<int> Done, HashSet<int> Failed);
