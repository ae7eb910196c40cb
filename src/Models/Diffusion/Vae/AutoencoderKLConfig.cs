using System.Text.Json;
using Pipeline.Models.Diffusion.Blocks;

namespace Pipeline.Models.Diffusion.Vae;

/// <summary>
/// The part of diffusers' <c>AutoencoderKL</c> config this port implements (the SD-1.x / SD-2.x VAE). Defaults are
/// diffusers'. <see cref="FromJsonFile"/> refuses settings outside this set with an <see cref="InvalidDataException"/>
/// naming the field and value.
/// </summary>
public sealed record AutoencoderKLConfig
{
    /// <summary>The only supported encoder block.</summary>
    public const string DownEncoderBlock2D = "DownEncoderBlock2D";

    /// <summary>The only supported decoder block.</summary>
    public const string UpDecoderBlock2D = "UpDecoderBlock2D";

    /// <summary>Image channels in.</summary>
    public int InChannels { get; init; } = 3;

    /// <summary>Image channels out.</summary>
    public int OutChannels { get; init; } = 3;

    /// <summary><see cref="DownEncoderBlock2D"/> per level.</summary>
    public IReadOnlyList<string> DownBlockTypes { get; init; } = [DownEncoderBlock2D];

    /// <summary><see cref="UpDecoderBlock2D"/> per level.</summary>
    public IReadOnlyList<string> UpBlockTypes { get; init; } = [UpDecoderBlock2D];

    /// <summary>Channels per level (SD: 128, 256, 512, 512); the image is downscaled 2^(levels-1) times.</summary>
    public IReadOnlyList<int> BlockOutChannels { get; init; } = [64];

    /// <summary>Resnets per encoder block (decoder blocks have one more).</summary>
    public int LayersPerBlock { get; init; } = 1;

    /// <summary>Latent channels.</summary>
    public int LatentChannels { get; init; } = 4;

    /// <summary>GroupNorm groups (every GroupNorm has eps 1e-6).</summary>
    public int NormNumGroups { get; init; } = 32;

    /// <summary>Latent scaling: pipelines decode <c>latents / scaling_factor</c> and encode to <c>mean * scaling_factor</c>.</summary>
    public double ScalingFactor { get; init; } = 0.18215;

    /// <summary>Image side the VAE was trained at (informational).</summary>
    public int SampleSize { get; init; } = 32;

    /// <summary>Single-head self-attention in the encoder's and decoder's mid blocks.</summary>
    public bool MidBlockAddAttention { get; init; } = true;

    /// <summary><c>quant_conv</c> after the encoder (1x1, 2 latent -> 2 latent).</summary>
    public bool UseQuantConv { get; init; } = true;

    /// <summary><c>post_quant_conv</c> before the decoder (1x1, latent -> latent).</summary>
    public bool UsePostQuantConv { get; init; } = true;

    /// <summary>Reads a diffusers <c>vae/config.json</c>, refusing what this port does not implement.</summary>
    /// <exception cref="InvalidDataException">Malformed or unsupported settings; the message names the field and value.</exception>
    public static AutoencoderKLConfig FromJsonFile(string path)
    {
        var r = DiffusersConfigReader.Open(path);
        var cls = r.String("_class_name", null);
        if (cls is not null && cls != "AutoencoderKL")
        {
            throw r.Error("_class_name", $"value \"{cls}\" is not supported (supported: \"AutoencoderKL\")");
        }
        r.RefuseStringOtherThan("act_fn", "silu");
        r.RefuseSet("shift_factor");
        r.RefuseSet("latents_mean");
        r.RefuseSet("latents_std");
        if (r.TryGet("layers_per_block", out var lpb) && lpb.ValueKind != JsonValueKind.Number)
        {
            throw r.Error("layers_per_block", $"value {lpb.GetRawText()} is not supported (supported: one integer)");
        }
        var defaults = new AutoencoderKLConfig();
        var config = new AutoencoderKLConfig
        {
            InChannels = r.Int("in_channels", 3),
            OutChannels = r.Int("out_channels", 3),
            DownBlockTypes = r.Strings("down_block_types", defaults.DownBlockTypes),
            UpBlockTypes = r.Strings("up_block_types", defaults.UpBlockTypes),
            BlockOutChannels = r.Ints("block_out_channels", defaults.BlockOutChannels),
            LayersPerBlock = r.Int("layers_per_block", 1),
            LatentChannels = r.Int("latent_channels", 4),
            NormNumGroups = r.Int("norm_num_groups", 32),
            ScalingFactor = r.Double("scaling_factor", 0.18215),
            SampleSize = r.Int("sample_size", 32),
            MidBlockAddAttention = r.Bool("mid_block_add_attention", true),
            UseQuantConv = r.Bool("use_quant_conv", true),
            UsePostQuantConv = r.Bool("use_post_quant_conv", true),
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

    /// <summary>Checks the block lists agree and name supported blocks.</summary>
    /// <exception cref="InvalidDataException">The first inconsistency, naming the field and value.</exception>
    public void Validate()
    {
        var n = BlockOutChannels.Count;
        if (n == 0)
        {
            throw new InvalidDataException("block_out_channels: at least one level is required");
        }
        Check("down_block_types", DownBlockTypes, DownEncoderBlock2D, n);
        Check("up_block_types", UpBlockTypes, UpDecoderBlock2D, n);
        for (var i = 0; i < n; i++)
        {
            if (BlockOutChannels[i] % NormNumGroups != 0)
            {
                throw new InvalidDataException($"block_out_channels[{i}]: {BlockOutChannels[i]} is not a multiple of norm_num_groups {NormNumGroups}");
            }
        }
        if (LayersPerBlock < 1)
        {
            throw new InvalidDataException($"layers_per_block: {LayersPerBlock} must be at least 1");
        }
    }

    private static void Check(string field, IReadOnlyList<string> types, string supported, int count)
    {
        if (types.Count != count)
        {
            throw new InvalidDataException($"{field}: {types.Count} entries, but block_out_channels has {count}");
        }
        for (var i = 0; i < types.Count; i++)
        {
            if (types[i] != supported)
            {
                throw new InvalidDataException($"{field}[{i}]: value \"{types[i]}\" is not supported (supported: {supported})");
            }
        }
    }
}
