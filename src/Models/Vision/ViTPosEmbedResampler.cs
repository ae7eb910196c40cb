using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision;

/// <summary>Resamples a ViT's patch position table to another grid, in one of the published ways.</summary>
public static class ViTPosEmbedResampler
{
    /// <summary>The Original behaviour's offset (facebookresearch/dino issue 8).</summary>
    public const double OriginalOffset = 0.1;

    /// <summary>
    /// Resamples <paramref name="patchPos"/> [1, oldH * oldW, D] (row-major grid, no prefix tokens) to
    /// [1, newH * newW, D]. The interpolation runs in float32 and the result has the input's dtype, as in all three
    /// libraries. Returns a new tensor even when the grids are equal.
    /// </summary>
    public static Tensor Resample(Tensor patchPos, (int Height, int Width) oldGrid, (int Height, int Width) newGrid, ViTPosEmbedResampling mode)
    {
        ArgumentNullException.ThrowIfNull(patchPos);
        if (patchPos.dim() != 3 || patchPos.shape[0] != 1 || patchPos.shape[1] != (long)oldGrid.Height * oldGrid.Width)
        {
            throw new ArgumentException(
                $"expected a position table [1, {oldGrid.Height * oldGrid.Width}, D] for grid {oldGrid.Height}x{oldGrid.Width}, got [{string.Join(", ", patchPos.shape)}]",
                nameof(patchPos));
        }
        if (newGrid.Height <= 0 || newGrid.Width <= 0)
        {
            throw new ArgumentException($"target grid must be positive, got {newGrid.Height}x{newGrid.Width}", nameof(newGrid));
        }
        using var scope = NewDisposeScope();
        var dim = patchPos.shape[2];
        var grid = patchPos.to(ScalarType.Float32).reshape(1, oldGrid.Height, oldGrid.Width, dim).permute(0, 3, 1, 2);
        long[] size = [newGrid.Height, newGrid.Width];
        var resized = mode switch
        {
            ViTPosEmbedResampling.Timm => nn.functional.interpolate(
                grid, size: size, mode: InterpolationMode.Bicubic, align_corners: false, antialias: true),
            ViTPosEmbedResampling.Transformers => nn.functional.interpolate(
                grid, size: size, mode: InterpolationMode.Bicubic, align_corners: false),
            ViTPosEmbedResampling.Original => nn.functional.interpolate(
                grid,
                scale_factor: [(newGrid.Height + OriginalOffset) / oldGrid.Height, (newGrid.Width + OriginalOffset) / oldGrid.Width],
                mode: InterpolationMode.Bicubic,
                align_corners: false,
                recompute_scale_factor: false),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown resampling mode"),
        };
        if (resized.shape[2] != newGrid.Height || resized.shape[3] != newGrid.Width)
        {
            throw new InvalidOperationException(
                $"{mode} resampling produced a {resized.shape[2]}x{resized.shape[3]} grid, expected {newGrid.Height}x{newGrid.Width}");
        }
        return resized.permute(0, 2, 3, 1).reshape(1, -1, dim).to(patchPos.dtype).MoveToOuterDisposeScope();
    }
}
