using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision;

/// <summary>
/// timm's <c>VisionTransformer</c> as DINOv2 uses it (ViT-S/B/L/g 14, with or without register tokens). Field names
/// are timm's, so a timm state dict loads one to one; <see cref="VisionTransformerKeyMap"/> converts Hugging Face and
/// original-repository files. Inputs of any size are accepted: when the patch grid differs from the position table's
/// grid, the table is resampled per <see cref="VisionTransformerConfig.PosEmbedResampling"/>.
/// </summary>
public sealed class VisionTransformer : nn.Module<Tensor, Tensor>, IVisionBackbone
{
    private readonly Parameter? cls_token;
    private readonly Parameter? reg_token;
    private readonly Parameter pos_embed;
    private readonly ViTPatchEmbed patch_embed;
    private readonly ModuleList<ViTBlock> blocks;
    private readonly LayerNorm norm;
    private readonly Linear? head;

    /// <summary>Builds the model with timm-style initial values.</summary>
    /// <param name="config">The architecture.</param>
    /// <param name="numClasses">Classifier width; 0 = no head (<c>forward</c> returns the pooled embedding).</param>
    /// <param name="device">Where to allocate; <c>meta</c> allocates nothing (parameter counting).</param>
    public VisionTransformer(VisionTransformerConfig config, int numClasses = 0, Device? device = null)
        : base(nameof(VisionTransformer))
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfNegative(numClasses);
        if (!config.ClassToken && config.Pooling != ViTPooling.Mean)
        {
            throw new ArgumentException($"pooling {config.Pooling} needs a class token; this configuration has none", nameof(config));
        }
        if (config.ImgSize % config.PatchSize != 0)
        {
            throw new ArgumentException($"img_size {config.ImgSize} is not a multiple of patch_size {config.PatchSize}", nameof(config));
        }
        Config = config;
        NumClasses = numClasses;
        var d = config.EmbedDim;
        patch_embed = new ViTPatchEmbed(config.InChans, d, config.PatchSize, device, config.DynamicImgPad);
        if (config.ClassToken)
        {
            // timm: cls_token and reg_token ~ N(0, 1e-6), pos_embed ~ trunc_normal(std 0.02).
            cls_token = new Parameter(torch.randn(1, 1, d, device: device).mul_(1e-6));
        }
        if (config.RegTokens > 0)
        {
            reg_token = new Parameter(torch.randn(1, config.RegTokens, d, device: device).mul_(1e-6));
        }
        pos_embed = new Parameter(torch.randn(1, config.PosEmbedLength, d, device: device).mul_(0.02));
        blocks = new ModuleList<ViTBlock>();
        for (var i = 0; i < config.Depth; i++)
        {
            blocks.Add(new ViTBlock(d, config.NumHeads, config.MlpHidden, config.SwiGlu, config.LayerScaleInit, config.LayerNormEps, config.QkvBias, device));
        }
        norm = nn.LayerNorm(d, config.LayerNormEps, device: device);
        if (numClasses > 0)
        {
            head = nn.Linear(config.NumFeatures, numClasses, hasBias: true, device: device);
        }
        RegisterComponents();
    }

    /// <summary>The architecture this module was built from.</summary>
    public VisionTransformerConfig Config { get; }

    /// <summary>Classifier width (0 = no head).</summary>
    public int NumClasses { get; }

    /// <inheritdoc />
    public int num_features => Config.NumFeatures;

    /// <summary>Class + register tokens in front of the patch tokens.</summary>
    public int num_prefix_tokens => Config.NumPrefixTokens;

    /// <inheritdoc />
    public nn.Module AsModule() => this;

    /// <summary>Full forward: <c>forward_head(forward_features(x))</c> (logits, or the pooled embedding without a head).</summary>
    public override Tensor forward(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        return forward_head(forward_features(pixels)).MoveToOuterDisposeScope();
    }

    /// <summary>All tokens after the final norm, [B, prefix + N, D]: CLS, registers, then patches row-major.</summary>
    public Tensor forward_features(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        var x = embed(pixels);
        foreach (var block in blocks)
        {
            x = block.forward(x);
        }
        return norm.forward(x).MoveToOuterDisposeScope();
    }

    /// <summary>Pooled pre-logits [B, num_features] per <see cref="VisionTransformerConfig.Pooling"/>, or head logits.</summary>
    public Tensor forward_head(Tensor features, bool pre_logits = false)
    {
        using var scope = NewDisposeScope();
        var pooled = Config.Pooling switch
        {
            ViTPooling.Cls => features.select(1, 0),
            ViTPooling.Mean => patch_tokens(features).mean([1]),
            ViTPooling.ClsMean => torch.cat([features.select(1, 0), patch_tokens(features).mean([1])], 1),
            _ => throw new InvalidOperationException($"unknown pooling {Config.Pooling}"),
        };
        var result = pre_logits || head is null ? pooled : head.forward(pooled);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>The patch tokens of <paramref name="features"/> (a view): [B, N, D], class and register tokens dropped.</summary>
    public Tensor patch_tokens(Tensor features) => features.narrow(1, num_prefix_tokens, features.shape[1] - num_prefix_tokens);

    /// <summary>Patch embedding + position embedding + prefix tokens, [B, prefix + N, D] (timm <c>_pos_embed</c>).</summary>
    private Tensor embed(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        var b = pixels.shape[0];
        if (pixels.shape[2] < Config.PatchSize || pixels.shape[3] < Config.PatchSize)
        {
            throw new ArgumentException(
                $"input of {pixels.shape[2]}x{pixels.shape[3]} pixels is smaller than one {Config.PatchSize}x{Config.PatchSize} patch", nameof(pixels));
        }
        var x = patch_embed.forward(pixels);
        var grid = patch_embed.GridSize(pixels.shape[2], pixels.shape[3]);
        var pos = position_table(grid, square: pixels.shape[2] == pixels.shape[3]);
        var prefix = new List<Tensor>(2);
        if (cls_token is not null)
        {
            prefix.Add(cls_token.expand(b, -1, -1));
        }
        if (reg_token is not null)
        {
            prefix.Add(reg_token.expand(b, -1, -1));
        }
        if (Config.NoEmbedClass)
        {
            // The table covers patches only: add, then put the prefix tokens in front.
            x = x + pos;
            if (prefix.Count > 0)
            {
                x = torch.cat([.. prefix, x], 1);
            }
        }
        else
        {
            if (prefix.Count > 0)
            {
                x = torch.cat([.. prefix, x], 1);
            }
            x = x + pos;
        }
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>The position table for <paramref name="grid"/>, resampling its patch part when the grid differs.</summary>
    /// <remarks>
    /// The original repository also resamples a native-size grid when the pixels are not square (its test is
    /// <c>npatch == N and w == h</c>), and its +0.1 offset makes that resample no identity: kept for fidelity. For the
    /// size-driven modes a same-size resample is the identity, so they skip it.
    /// </remarks>
    private Tensor position_table((int Height, int Width) grid, bool square)
    {
        var native = Config.GridSize;
        if (grid.Height == native && grid.Width == native && (square || Config.PosEmbedResampling != ViTPosEmbedResampling.Original))
        {
            return pos_embed;
        }
        using var scope = NewDisposeScope();
        var prefixRows = Config.NoEmbedClass ? 0 : Config.NumPrefixTokens;
        var patchPos = pos_embed.narrow(1, prefixRows, native * native);
        var resampled = ViTPosEmbedResampler.Resample(patchPos, (native, native), grid, Config.PosEmbedResampling);
        var table = prefixRows == 0 ? resampled : torch.cat([pos_embed.narrow(1, 0, prefixRows), resampled], 1);
        return table.MoveToOuterDisposeScope();
    }
}
