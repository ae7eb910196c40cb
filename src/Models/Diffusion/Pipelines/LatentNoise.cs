using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Pipelines;

/// <summary>
/// One CPU generator per image, seeded with the image's seed, drawing float32 normals in the order diffusers draws them
/// when a pipeline is given a list of <c>torch.Generator</c>s: first the image's initial latents <c>[1, C, h, w]</c>, then
/// one tensor of the same shape for each step that adds noise. Images of a batch are concatenated along dim 0, so an
/// image's values never depend on the other images of its batch.
/// </summary>
public sealed class LatentNoise : IDisposable
{
    private readonly Generator[] generators;
    private readonly long[] shape;

    public LatentNoise(IReadOnlyList<long> seeds, long channels, long height, long width)
    {
        generators = [.. seeds.Select(s => new Generator(checked((ulong)s), CPU))];
        shape = [1, channels, height, width];
    }

    /// <summary>The next draw of every image, <c>[B, C, h, w]</c> float32 on the CPU.</summary>
    public Tensor Draw()
    {
        using var scope = NewDisposeScope();
        var parts = generators.Select(g => randn(shape, ScalarType.Float32, CPU, generator: g)).ToArray();
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        foreach (var g in generators) g.Dispose();
    }
}
