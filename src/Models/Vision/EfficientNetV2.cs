using Pipeline.Models.Vision.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision;

/// <summary>
/// EfficientNetV2 (timm <c>EfficientNet</c> built from the V2 arch strings): <c>conv_stem</c> (k3 s2) -> <c>bn1</c> ->
/// <c>blocks.S.B</c> (ConvBnAct / EdgeResidual / InvertedResidual) -> <c>conv_head</c> (1x1) -> <c>bn2</c> = features;
/// global average pool = pre-logits embedding; <c>classifier</c> = logits. The <c>tf_</c> variants pad stride-2
/// convolutions TensorFlow-style from the input size and use BatchNorm eps 1e-3.
/// </summary>
public sealed class EfficientNetV2 : nn.Module<Tensor, Tensor>, IVisionBackbone
{
    private static readonly long[] SpatialDims = [2, 3];
    private readonly nn.Module<Tensor, Tensor> conv_stem;
    private readonly BatchNormAct2d bn1;
    private readonly Sequential blocks;
    private readonly nn.Module<Tensor, Tensor> conv_head;
    private readonly BatchNormAct2d bn2;
    private readonly Linear? classifier;

    /// <summary>Builds the network described by <paramref name="config"/> with freshly initialised weights.</summary>
    /// <param name="config">Architecture.</param>
    /// <param name="numClasses">Classifier width; 0 = no classifier.</param>
    /// <param name="device">Where to allocate; <c>meta</c> sizes the model without allocating memory.</param>
    public EfficientNetV2(EfficientNetV2Config config, int numClasses = 0, Device? device = null)
        : base(nameof(EfficientNetV2))
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfNegative(numClasses);
        Config = config;
        NumClasses = numClasses;
        var tf = config.TfSamePadding;
        var stem = config.StemChannels;
        conv_stem = TimmConv2d.Create(3, stem, 3, stride: 2, tfSame: tf, device: device);
        bn1 = new BatchNormAct2d(stem, config.BnEps, applyAct: true, device);
        var stages = config.Blocks();
        var stageModules = new nn.Module<Tensor, Tensor>[stages.Count];
        for (var s = 0; s < stages.Count; s++)
        {
            var stageBlocks = stages[s].Select(b => CreateBlock(b, config, device)).ToArray();
            stageModules[s] = nn.Sequential(stageBlocks);
        }
        blocks = nn.Sequential(stageModules);
        var headIn = stages[^1][^1].OutChannels;
        conv_head = TimmConv2d.Create(headIn, config.NumFeatures, 1, tfSame: tf, device: device);
        bn2 = new BatchNormAct2d(config.NumFeatures, config.BnEps, applyAct: true, device);
        classifier = numClasses > 0 ? nn.Linear(config.NumFeatures, numClasses, hasBias: true, device: device) : null;
        RegisterComponents();
    }

    /// <summary>The architecture this module was built from.</summary>
    public EfficientNetV2Config Config { get; }

    /// <summary>Classifier width (0 = none).</summary>
    public int NumClasses { get; }

    /// <inheritdoc />
    public int num_features => Config.NumFeatures;

    /// <inheritdoc />
    public nn.Module AsModule() => this;

    /// <summary>
    /// <c>bn2(conv_head(blocks(bn1(conv_stem(x)))))</c>: [B, num_features, H/32, W/32] (contiguous NCHW). Runs in
    /// channels-last memory format inside (see <see cref="ChannelsLast"/>).
    /// </summary>
    public Tensor forward_features(Tensor pixels)
    {
        using var scope = torch.NewDisposeScope();
        var x = bn1.forward(conv_stem.forward(ChannelsLast.From(pixels)));
        x = blocks.forward(x);
        x = bn2.forward(conv_head.forward(x));
        return x.contiguous().MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor forward_head(Tensor features, bool pre_logits = false)
    {
        using var scope = torch.NewDisposeScope();
        var x = features.mean(SpatialDims);
        if (!pre_logits && classifier is not null)
        {
            x = classifier.forward(x);
        }
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Class logits (or the pooled embedding when built without a classifier).</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        return forward_head(forward_features(input)).MoveToOuterDisposeScope();
    }

    private static nn.Module<Tensor, Tensor> CreateBlock(EfficientNetBlockArgs args, EfficientNetV2Config config, Device? device) =>
        args.Type switch
        {
            EfficientNetBlockType.ConvBnAct => new EfficientNetConvBnAct(args, config.TfSamePadding, config.BnEps, device),
            EfficientNetBlockType.EdgeResidual => new EfficientNetEdgeResidual(args, config.TfSamePadding, config.BnEps, device),
            EfficientNetBlockType.InvertedResidual => new EfficientNetInvertedResidual(args, config.TfSamePadding, config.BnEps, device),
            _ => throw new ArgumentOutOfRangeException(nameof(args), args.Type, "Unknown block type."),
        };
}
