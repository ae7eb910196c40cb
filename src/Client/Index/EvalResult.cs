using Pipeline.Index.Eval;

namespace Pipeline.Client.Index;

/// <summary>What <c>pipeline eval --json</c> prints: the split, then one report per embed output.</summary>
public sealed record EvalResult(string Labels, double TestSplit, int Seed, int TrainImages, int TestImages, int Classes,
    int LabelledWithoutEmbedding, IReadOnlyList<EvalEntry> Results);

/// <summary>One embed output's evaluation.</summary>
public sealed record EvalEntry(string Embeddings, string? Model, int Dimension, EvaluationReport Report);
