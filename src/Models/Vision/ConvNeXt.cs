using Pipeline.Models.Vision.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision;

/// <summary>
/// ConvNeXt V1 and V2 (timm <c>ConvNeXt</c> with the patchify stem and <c>NormMlpClassifierHead</c>). Field names are
/// timm's, so a timm state dict loads one to one: <c>stem.0</c> (k4 s4 conv), <c>stem.1</c> (LayerNorm2d),
/// <c>stages.N.downsample.{0,1}</c>, <c>stages.N.blocks.M.{conv_dw,norm,mlp.fc1,mlp.grn,mlp.fc2,gamma}</c>,
/// <c>head.norm</c>, <c>head.fc</c>. The embedding is <c>forward_head(x, pre_logits: true)</c>: pool then norm.
/// </summary>
public sealed class ConvNeXt : nn.Module<Tensor, Tensor>, IVisionBackbone
{
    private readonly Sequential stem;
    private readonly ModuleList<ConvNeXtStage> stages;
    private readonly ConvNeXtHead head;
    private readonly int _numFeatures;

    /// <summary>Builds the network described by <paramref name="config"/> with freshly initialised weights.</summary>
    /// <param name="config">Architecture.</param>
    /// <param name="numClasses">Classifier width; 0 = no classifier (<c>head.fc</c> absent).</param>
    /// <param name="device">Where to allocate; <c>meta</c> sizes the model without allocating memory.</param>
    public ConvNeXt(ConvNeXtConfig config, int numClasses = 0, Device? device = null)
        : base(nameof(ConvNeXt))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        NumClasses = numClasses;
        stem = nn.Sequential(
            nn.Conv2d(3, config.Dims[0], config.PatchSize, stride: config.PatchSize, bias: true, device: device),
            new LayerNorm2d(config.Dims[0], config.NormEps, device));
        var stageModules = new ConvNeXtStage[config.Depths.Count];
        for (var i = 0; i < stageModules.Length; i++)
        {
            stageModules[i] = new ConvNeXtStage(i, config, device);
        }
        stages = nn.ModuleList(stageModules);
        _numFeatures = config.Dims[^1];
        head = new ConvNeXtHead(_numFeatures, numClasses, config.HeadNormEps, device);
        RegisterComponents();
    }

    /// <summary>The architecture this module was built from.</summary>
    public ConvNeXtConfig Config { get; }

    /// <summary>Classifier width (0 = none).</summary>
    public int NumClasses { get; }

    /// <inheritdoc />
    public int num_features => _numFeatures;

    /// <inheritdoc />
    public nn.Module AsModule() => this;

    /// <summary>Last stage output [B, C, H/32, W/32] (contiguous NCHW), before pooling.</summary>
    public Tensor forward_features(Tensor pixels)
    {
        using var scope = torch.NewDisposeScope();
        var x = stem.forward(pixels);
        foreach (var stage in stages)
        {
            x = stage.forward(x);
        }
        return x.contiguous().MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor forward_head(Tensor features, bool pre_logits = false)
    {
        using var scope = torch.NewDisposeScope();
        return head.forward(features, pre_logits).MoveToOuterDisposeScope();
    }

    /// <summary>Class logits (or the pooled embedding when built without a classifier).</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        return forward_head(forward_features(input)).MoveToOuterDisposeScope();
    }
}
