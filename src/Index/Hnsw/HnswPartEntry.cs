namespace Pipeline.Index.Hnsw;

/// <summary>One saved sub-graph: its vector count, file length and checksum.</summary>
internal sealed record HnswPartEntry(long Rows, long Bytes, ulong Checksum);
