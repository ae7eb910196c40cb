namespace Pipeline.Index.Sharded;

/// <summary>One neighbour found in a sharded index: the shard, the row within it, the score.</summary>
public readonly record struct IndexHit(int Shard, int Row, float Score);
