namespace Pipeline.Grains.Index;

/// <summary>An index task's plan: the embedding shards its index shard is built from (consecutive, in order).</summary>
public sealed record IndexTaskPayload(IReadOnlyList<int> EmbeddingShards);
