namespace Pipeline.Index.Eval;

/// <summary>One line of a label file: an image and its class label, both trimmed and non-empty.</summary>
/// <param name="ImagePath">The image, as the corpus manifest names it.</param>
/// <param name="Label">The class label; integer labels of a parquet file are written in invariant culture ("7").</param>
public sealed record LabelledImage(string ImagePath, string Label);
