using Pipeline.Models.Checkpoints;
using Pipeline.Models.Diffusion.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Vae;

/// <summary>
/// diffusers <c>AutoencoderKL</c> (the SD VAE): <see cref="Decode"/> runs <c>post_quant_conv</c> -> <c>decoder</c>
/// on latents already divided by <see cref="AutoencoderKLConfig.ScalingFactor"/>; <see cref="Encode"/> runs
/// <c>encoder</c> -> <c>quant_conv</c> and splits the moments into mean and log-variance (clamped to [-30, 20]).
/// Field names are diffusers' so a diffusers <c>vae/</c> safetensors loads one to one.
/// </summary>
public sealed class AutoencoderKL : nn.Module
{
    private readonly VaeEncoder encoder;
    private readonly VaeDecoder decoder;
    private readonly Conv2d? quant_conv;
    private readonly Conv2d? post_quant_conv;

    /// <summary>Creates a randomly initialised VAE of this configuration.</summary>
    /// <exception cref="InvalidDataException">The configuration is inconsistent or names an unsupported block.</exception>
    public AutoencoderKL(AutoencoderKLConfig config)
        : base(nameof(AutoencoderKL))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        encoder = new VaeEncoder(config);
        decoder = new VaeDecoder(config);
        if (config.UseQuantConv)
        {
            quant_conv = nn.Conv2d(2 * config.LatentChannels, 2 * config.LatentChannels, 1);
        }
        if (config.UsePostQuantConv)
        {
            post_quant_conv = nn.Conv2d(config.LatentChannels, config.LatentChannels, 1);
        }
        RegisterComponents();
    }

    /// <summary>The configuration the model was built from.</summary>
    public AutoencoderKLConfig Config { get; }

    /// <summary>
    /// Loads a diffusers <c>vae/</c> folder: <c>config.json</c> plus <c>diffusion_pytorch_model.safetensors</c> (or
    /// the <c>.fp16</c> file when that is the only one; converted to float32), strictly, after renaming old
    /// mid-block attention keys (<see cref="VaeKeyMap"/>). Returns the model in eval mode on <paramref name="device"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">Unsupported config, or missing / unexpected / mis-shaped keys (named, with the file).</exception>
    public static AutoencoderKL Load(string vaeFolder, Device? device = null)
    {
        var config = AutoencoderKLConfig.FromJsonFile(DiffusersWeights.Config(vaeFolder));
        var weights = DiffusersWeights.Find(vaeFolder);
        var model = new AutoencoderKL(config);
        try
        {
            using (var checkpoint = Checkpoint.Open(weights))
            {
                if (VaeKeyMap.HasDeprecatedAttentionNames(checkpoint.Names))
                {
                    var state = checkpoint.ReadAll();
                    try
                    {
                        var renamed = VaeKeyMap.ToCurrentNames(state);
                        try
                        {
                            StateDictLoader.LoadStrict(model, renamed);
                        }
                        catch (InvalidDataException ex)
                        {
                            throw new InvalidDataException($"VAE checkpoint '{weights}' (old attention names renamed): {ex.Message}", ex);
                        }
                    }
                    finally
                    {
                        foreach (var tensor in state.Values)
                        {
                            tensor.Dispose();
                        }
                    }
                }
                else
                {
                    StateDictLoader.LoadStrict(model, checkpoint);
                }
            }
            model.eval();
            if (device is not null)
            {
                model.to(device);
            }
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Latents [B, latent, h, w] (already divided by the scaling factor) -> images [B, out, h * f, w * f] in about [-1, 1].</summary>
    public Tensor Decode(Tensor z) => Decode(z, observe: null);

    /// <summary>
    /// <see cref="Decode(Tensor)"/>, reporting each stage to <paramref name="observe"/> under diffusers' module names
    /// (<c>post_quant_conv</c>, <c>decoder.conv_in</c>, <c>decoder.mid_block</c>, <c>decoder.up_blocks.i</c>,
    /// <c>decoder.conv_norm_out</c>); the tensor is only valid during the call.
    /// </summary>
    public Tensor Decode(Tensor z, Action<string, Tensor>? observe)
    {
        ArgumentNullException.ThrowIfNull(z);
        using var scope = NewDisposeScope();
        var h = z;
        if (post_quant_conv is not null)
        {
            h = post_quant_conv.forward(h);
            observe?.Invoke("post_quant_conv", h);
        }
        return decoder.forward(h, observe).MoveToOuterDisposeScope();
    }

    /// <summary>Images [B, in, H, W] in [-1, 1] -> the latent distribution's mean and log-variance (clamped to [-30, 20]).</summary>
    public (Tensor Mean, Tensor LogVar) Encode(Tensor x) => Encode(x, observe: null);

    /// <summary>
    /// <see cref="Encode(Tensor)"/>, reporting each stage to <paramref name="observe"/> (<c>encoder.conv_in</c>,
    /// <c>encoder.down_blocks.i</c>, <c>encoder.mid_block</c>, <c>encoder.conv_out</c>, <c>quant_conv</c>).
    /// </summary>
    public (Tensor Mean, Tensor LogVar) Encode(Tensor x, Action<string, Tensor>? observe)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        var moments = encoder.forward(x, observe);
        if (quant_conv is not null)
        {
            moments = quant_conv.forward(moments);
            observe?.Invoke("quant_conv", moments);
        }
        var parts = moments.chunk(2, 1);
        var mean = parts[0].contiguous();
        var logVar = parts[1].clamp(-30.0, 20.0);
        return (mean.MoveToOuterDisposeScope(), logVar.MoveToOuterDisposeScope());
    }
}
