namespace Pipeline.Grains.Jobs.Kinds;

/// <summary>What a runner staged: rows and failure records, and what the marker should say about the rows' shape.</summary>
public sealed record TaskResult(int Rows, int Failures, int? EmbeddingDim = null, string? Dtype = null);
