using System.Text.Json;
using Pipeline.Models.Diffusion.Blocks;

namespace Pipeline.Models.Diffusion.UNet;

/// <summary>
/// The part of diffusers' <c>UNet2DConditionModel</c> config this port implements (SD-1.x / SD-2.x / LCM UNets).
/// Defaults are diffusers'. <see cref="FromJsonFile"/> refuses every setting outside this set with an
/// <see cref="InvalidDataException"/> naming the field and value, rather than silently computing something else.
/// </summary>
public sealed record UNet2DConditionConfig
{
    /// <summary>Block type names of the down path.</summary>
    public const string CrossAttnDownBlock2D = "CrossAttnDownBlock2D";

    /// <summary>Down block without attention.</summary>
    public const string DownBlock2D = "DownBlock2D";

    /// <summary>The only supported mid block.</summary>
    public const string UNetMidBlock2DCrossAttn = "UNetMidBlock2DCrossAttn";

    /// <summary>Up block without attention.</summary>
    public const string UpBlock2D = "UpBlock2D";

    /// <summary>Up block with attention.</summary>
    public const string CrossAttnUpBlock2D = "CrossAttnUpBlock2D";

    /// <summary>Latent side the model was trained at (informational: any size divisible by the downsampling works).</summary>
    public int SampleSize { get; init; } = 64;

    /// <summary>Channels of the noisy latent.</summary>
    public int InChannels { get; init; } = 4;

    /// <summary>Channels of the prediction.</summary>
    public int OutChannels { get; init; } = 4;

    /// <summary>Sinusoidal embedding order: cos first when true.</summary>
    public bool FlipSinToCos { get; init; } = true;

    /// <summary><c>downscale_freq_shift</c> of the sinusoidal embedding.</summary>
    public double FreqShift { get; init; }

    /// <summary>One of <see cref="CrossAttnDownBlock2D"/>, <see cref="DownBlock2D"/> per level.</summary>
    public IReadOnlyList<string> DownBlockTypes { get; init; } = [CrossAttnDownBlock2D, CrossAttnDownBlock2D, CrossAttnDownBlock2D, DownBlock2D];

    /// <summary>One of <see cref="UpBlock2D"/>, <see cref="CrossAttnUpBlock2D"/> per level (deepest first).</summary>
    public IReadOnlyList<string> UpBlockTypes { get; init; } = [UpBlock2D, CrossAttnUpBlock2D, CrossAttnUpBlock2D, CrossAttnUpBlock2D];

    /// <summary>Channels per level.</summary>
    public IReadOnlyList<int> BlockOutChannels { get; init; } = [320, 640, 1280, 1280];

    /// <summary>Resnets per down block (up blocks have one more).</summary>
    public int LayersPerBlock { get; init; } = 2;

    /// <summary>Padding of the down path's stride-2 convs.</summary>
    public int DownsamplePadding { get; init; } = 1;

    /// <summary><c>output_scale_factor</c> of the mid block's resnets.</summary>
    public double MidBlockScaleFactor { get; init; } = 1.0;

    /// <summary>GroupNorm groups.</summary>
    public int NormNumGroups { get; init; } = 32;

    /// <summary>GroupNorm epsilon of the resnets and of <c>conv_norm_out</c>.</summary>
    public double NormEps { get; init; } = 1e-5;

    /// <summary>Width of <c>encoder_hidden_states</c> (768 for SD-1.x, 1024 for SD-2.x).</summary>
    public int CrossAttentionDim { get; init; } = 1280;

    /// <summary>
    /// Attention heads per level: config <c>num_attention_heads</c> when set, else <c>attention_head_dim</c>, which in
    /// diffusers' UNet2DConditionModel is (misnamed) the number of heads; head width = channels / heads.
    /// </summary>
    public IReadOnlyList<int> NumAttentionHeads { get; init; } = [8, 8, 8, 8];

    /// <summary>BasicTransformerBlocks per Transformer2DModel, per level (the mid block uses the last).</summary>
    public IReadOnlyList<int> TransformerLayersPerBlock { get; init; } = [1, 1, 1, 1];

    /// <summary>Linear <c>proj_in</c>/<c>proj_out</c> (SD-2) instead of 1x1 convs (SD-1).</summary>
    public bool UseLinearProjection { get; init; }

    /// <summary>
    /// <c>upcast_attention</c> (SD-2.1): compute attention in float32. This port always computes in float32, so
    /// the flag changes nothing here; it is kept so the config round-trips.
    /// </summary>
    public bool UpcastAttention { get; init; }

    /// <summary>Width of the LCM guidance embedding fed through <c>time_embedding.cond_proj</c>; null: no cond_proj.</summary>
    public int? TimeCondProjDim { get; init; }

    /// <summary>Width of the time embedding; null: 4 * block_out_channels[0].</summary>
    public int? TimeEmbeddingDim { get; init; }

    /// <summary>Kernel of <c>conv_in</c> (odd).</summary>
    public int ConvInKernel { get; init; } = 3;

    /// <summary>Kernel of <c>conv_out</c> (odd).</summary>
    public int ConvOutKernel { get; init; } = 3;

    /// <summary>Width of the sinusoidal timestep projection (= block_out_channels[0]).</summary>
    public int TimestepInputDim => BlockOutChannels[0];

    /// <summary>Width of the time embedding the resnets receive.</summary>
    public int TimeEmbedDim => TimeEmbeddingDim ?? BlockOutChannels[0] * 4;

    /// <summary>Reads a diffusers <c>unet/config.json</c>, refusing what this port does not implement.</summary>
    /// <exception cref="InvalidDataException">Malformed or unsupported settings; the message names the field and value.</exception>
    public static UNet2DConditionConfig FromJsonFile(string path)
    {
        var r = DiffusersConfigReader.Open(path);
        var cls = r.String("_class_name", null);
        if (cls is not null && cls != "UNet2DConditionModel")
        {
            throw r.Error("_class_name", $"value \"{cls}\" is not supported (supported: \"UNet2DConditionModel\")");
        }
        r.RefuseTrue("center_input_sample");
        r.RefuseStringOtherThan("mid_block_type", UNetMidBlock2DCrossAttn);
        r.RefuseTrue("only_cross_attention");
        r.RefuseTrue("dual_cross_attention");
        r.RefuseSet("class_embed_type");
        r.RefuseSet("num_class_embeds");
        r.RefuseTrue("class_embeddings_concat");
        r.RefuseSet("addition_embed_type");
        r.RefuseSet("encoder_hid_dim");
        r.RefuseSet("encoder_hid_dim_type");
        r.RefuseStringOtherThan("resnet_time_scale_shift", "default");
        r.RefuseTrue("resnet_skip_time_act");
        r.RefuseNumberOtherThan("resnet_out_scale_factor", 1.0);
        r.RefuseStringOtherThan("time_embedding_type", "positional");
        r.RefuseSet("time_embedding_act_fn");
        r.RefuseSet("timestep_post_act");
        r.RefuseStringOtherThan("attention_type", "default");
        r.RefuseTrue("mid_block_only_cross_attention");
        r.RefuseSet("cross_attention_norm");
        r.RefuseSet("reverse_transformer_layers_per_block");
        r.RefuseStringOtherThan("act_fn", "silu");

        var down = r.Strings("down_block_types", new UNet2DConditionConfig().DownBlockTypes);
        var n = down.Count;
        int crossDim;
        if (r.TryGet("cross_attention_dim", out var cross) && cross.ValueKind != JsonValueKind.Number)
        {
            throw r.Error("cross_attention_dim", $"value {cross.GetRawText()} is not supported (supported: one integer for every block)");
        }
        crossDim = r.Int("cross_attention_dim", 1280);
        if (r.TryGet("transformer_layers_per_block", out var tl) && tl.ValueKind == JsonValueKind.Array
            && tl.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.Array))
        {
            throw r.Error("transformer_layers_per_block", $"value {tl.GetRawText()} (nested per-layer lists) is not supported");
        }
        if (r.TryGet("layers_per_block", out var lpb) && lpb.ValueKind != JsonValueKind.Number)
        {
            throw r.Error("layers_per_block", $"value {lpb.GetRawText()} is not supported (supported: one integer for every block)");
        }
        var heads = r.PerBlockInts("num_attention_heads", n) ?? r.PerBlockInts("attention_head_dim", n) ?? Enumerable.Repeat(8, n).ToList();
        var config = new UNet2DConditionConfig
        {
            SampleSize = r.Int("sample_size", 64),
            InChannels = r.Int("in_channels", 4),
            OutChannels = r.Int("out_channels", 4),
            FlipSinToCos = r.Bool("flip_sin_to_cos", true),
            FreqShift = r.Double("freq_shift", 0),
            DownBlockTypes = down,
            UpBlockTypes = r.Strings("up_block_types", new UNet2DConditionConfig().UpBlockTypes),
            BlockOutChannels = r.Ints("block_out_channels", new UNet2DConditionConfig().BlockOutChannels),
            LayersPerBlock = r.Int("layers_per_block", 2),
            DownsamplePadding = r.Int("downsample_padding", 1),
            MidBlockScaleFactor = r.Double("mid_block_scale_factor", 1.0),
            NormNumGroups = r.Int("norm_num_groups", 32),
            NormEps = r.Double("norm_eps", 1e-5),
            CrossAttentionDim = crossDim,
            NumAttentionHeads = heads,
            TransformerLayersPerBlock = r.PerBlockInts("transformer_layers_per_block", n) ?? Enumerable.Repeat(1, n).ToList(),
            UseLinearProjection = r.Bool("use_linear_projection", false),
            UpcastAttention = r.Bool("upcast_attention", false),
            TimeCondProjDim = r.NullableInt("time_cond_proj_dim"),
            TimeEmbeddingDim = r.NullableInt("time_embedding_dim"),
            ConvInKernel = r.Int("conv_in_kernel", 3),
            ConvOutKernel = r.Int("conv_out_kernel", 3),
        };
        try
        {
            config.Validate();
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"diffusers config '{path}': {ex.Message}", ex);
        }
        return config;
    }

    /// <summary>Checks the block lists agree with each other and name supported blocks.</summary>
    /// <exception cref="InvalidDataException">The first inconsistency, naming the field and value.</exception>
    public void Validate()
    {
        var n = DownBlockTypes.Count;
        if (n == 0)
        {
            throw new InvalidDataException("down_block_types: at least one block is required");
        }
        for (var i = 0; i < n; i++)
        {
            if (DownBlockTypes[i] is not (CrossAttnDownBlock2D or DownBlock2D))
            {
                throw new InvalidDataException($"down_block_types[{i}]: value \"{DownBlockTypes[i]}\" is not supported (supported: {CrossAttnDownBlock2D}, {DownBlock2D})");
            }
        }
        for (var i = 0; i < UpBlockTypes.Count; i++)
        {
            if (UpBlockTypes[i] is not (UpBlock2D or CrossAttnUpBlock2D))
            {
                throw new InvalidDataException($"up_block_types[{i}]: value \"{UpBlockTypes[i]}\" is not supported (supported: {UpBlock2D}, {CrossAttnUpBlock2D})");
            }
        }
        Same("up_block_types", UpBlockTypes.Count);
        Same("block_out_channels", BlockOutChannels.Count);
        Same("num_attention_heads / attention_head_dim", NumAttentionHeads.Count);
        Same("transformer_layers_per_block", TransformerLayersPerBlock.Count);
        for (var i = 0; i < n; i++)
        {
            if (BlockOutChannels[i] % NormNumGroups != 0)
            {
                throw new InvalidDataException($"block_out_channels[{i}]: {BlockOutChannels[i]} is not a multiple of norm_num_groups {NormNumGroups}");
            }
            if (NumAttentionHeads[i] <= 0 || BlockOutChannels[i] % NumAttentionHeads[i] != 0)
            {
                throw new InvalidDataException($"num_attention_heads[{i}]: {NumAttentionHeads[i]} heads do not divide block_out_channels[{i}] = {BlockOutChannels[i]}");
            }
        }
        if (ConvInKernel % 2 == 0 || ConvOutKernel % 2 == 0)
        {
            throw new InvalidDataException($"conv_in_kernel / conv_out_kernel: {ConvInKernel} / {ConvOutKernel}: only odd kernels are supported");
        }
        if (LayersPerBlock < 1)
        {
            throw new InvalidDataException($"layers_per_block: {LayersPerBlock} must be at least 1");
        }
    }

    private void Same(string field, int count)
    {
        if (count != DownBlockTypes.Count)
        {
            throw new InvalidDataException($"{field}: {count} entries, but down_block_types has {DownBlockTypes.Count}");
        }
    }
}
