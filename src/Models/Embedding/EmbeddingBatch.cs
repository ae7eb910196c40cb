namespace Pipeline.Models.Embedding;

/// <summary>
/// One batch through the model: <see cref="Embeddings"/> is [count x dim] row-major; <see cref="PatchTokens"/> is
/// [count x tokens x dim] when patch tokens were asked for (ViTs), else null.
/// </summary>
public sealed record EmbeddingBatch(float[] Embeddings, float[]? PatchTokens);
