namespace Pipeline.Models.Registry;

/// <summary>Resampling filter used when resizing the shorter side.</summary>
public enum Interpolation
{
    Bicubic,
    Bilinear,
}

/// <summary>How the centre-crop offset is rounded: the libraries differ by one pixel.</summary>
public enum CropRounding
{
    /// <summary>timm / torchvision: <c>round((size - crop) / 2)</c>, halves to even.</summary>
    RoundHalfToEven,

    /// <summary>Hugging Face image processors: <c>(size - crop) // 2</c>.</summary>
    Floor,
}

/// <summary>
/// Eval preprocessing of a pretrained tag: resize the shorter side to <see cref="ResizeShortestEdge"/> (aspect kept;
/// with <see cref="Squash"/> both sides, aspect not kept),
/// centre-crop <see cref="CropHeight"/> x <see cref="CropWidth"/>, scale to [0,1], normalise with mean and std.
/// </summary>
public sealed record PreprocessConfig(
    int ResizeShortestEdge,
    int CropHeight,
    int CropWidth,
    Interpolation Interpolation,
    float[] Mean,
    float[] Std,
    CropRounding CropRounding)
{
    public static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];
    public static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];
    public static readonly float[] InceptionMean = [0.5f, 0.5f, 0.5f];
    public static readonly float[] InceptionStd = [0.5f, 0.5f, 0.5f];

    /// <summary>
    /// timm's <c>crop_mode='squash'</c>: resize both sides to <see cref="ResizeShortestEdge"/> without keeping the aspect
    /// ratio, then centre-crop.
    /// </summary>
    public bool Squash { get; init; }

    /// <summary>timm's eval transform with <c>crop_mode='squash'</c>.</summary>
    public static PreprocessConfig TimmSquash(int inputSize, double cropPct, Interpolation interpolation, float[] mean, float[] std) =>
        Timm(inputSize, cropPct, interpolation, mean, std) with { Squash = true };

    /// <summary>timm's eval transform for a square input: scale size = floor(size / crop_pct).</summary>
    public static PreprocessConfig Timm(int inputSize, double cropPct, Interpolation interpolation, float[] mean, float[] std) =>
        new((int)Math.Floor(inputSize / cropPct), inputSize, inputSize, interpolation, mean, std, CropRounding.RoundHalfToEven);
}
