using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision;

/// <summary>
/// timm <c>NormMlpClassifierHead</c> as ConvNeXt uses it: global average pool -> <c>norm</c> (LayerNorm over
/// channels) -> flatten -> <c>fc</c> (absent when the model has no classifier). The pooled, normed vector is the
/// pre-logits embedding.
/// </summary>
public sealed class ConvNeXtHead : nn.Module<Tensor, Tensor>
{
    private static readonly long[] SpatialDims = [2, 3];
    private readonly LayerNorm norm;
    private readonly Linear? fc;

    /// <summary>Creates the head over <paramref name="features"/> channels.</summary>
    /// <param name="features">Channels of the last stage.</param>
    /// <param name="numClasses">Classifier width; 0 = no classifier.</param>
    /// <param name="eps">LayerNorm epsilon (timm 1e-6; Hugging Face configs say 1e-12).</param>
    /// <param name="device">Where to allocate.</param>
    public ConvNeXtHead(long features, int numClasses, double eps, Device? device = null)
        : base(nameof(ConvNeXtHead))
    {
        ArgumentOutOfRangeException.ThrowIfNegative(numClasses);
        norm = nn.LayerNorm(features, eps, device: device);
        fc = numClasses > 0 ? nn.Linear(features, numClasses, hasBias: true, device: device) : null;
        RegisterComponents();
    }

    /// <summary>Pooled, normed features [B, C] when <paramref name="preLogits"/> (or without a classifier), else logits.</summary>
    public Tensor forward(Tensor features, bool preLogits)
    {
        using var scope = torch.NewDisposeScope();
        var x = norm.forward(features.mean(SpatialDims));
        if (!preLogits && fc is not null)
        {
            x = fc.forward(x);
        }
        return x.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => forward(input, preLogits: false);
}
