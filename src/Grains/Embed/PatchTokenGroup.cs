namespace Pipeline.Grains.Embed;

/// <summary>
/// The patch tokens of a shard's images that share one patch grid: <see cref="Tokens"/> is [rows x (gridHeight *
/// gridWidth) x dim] row-major, rows in listing order among those images.
/// </summary>
public sealed record PatchTokenGroup(int GridHeight, int GridWidth, int Rows, int Dim, float[] Tokens)
{
    /// <summary>Tokens per image.</summary>
    public int TokensPerImage => GridHeight * GridWidth;
}
