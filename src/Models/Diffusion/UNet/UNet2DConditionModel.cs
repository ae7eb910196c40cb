using Pipeline.Models.Checkpoints;
using Pipeline.Models.Diffusion.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.UNet;

/// <summary>
/// diffusers <c>UNet2DConditionModel</c> (SD-1.x / SD-2.x / LCM structure): predicts the noise of a latent
/// given a timestep, text-encoder hidden states and, for LCM UNets, a guidance-scale embedding
/// (<c>timestep_cond</c>). Field names are diffusers' so a diffusers <c>unet/</c> safetensors loads one to one.
/// </summary>
public sealed class UNet2DConditionModel : nn.Module
{
    private readonly Conv2d conv_in;
    private readonly TimestepEmbedding time_embedding;
    private readonly ModuleList<UNetDownBlock2D> down_blocks;
    private readonly UNetMidBlock2DCrossAttn mid_block;
    private readonly ModuleList<UNetUpBlock2D> up_blocks;
    private readonly GroupNorm conv_norm_out;
    private readonly Conv2d conv_out;

    /// <summary>Creates a randomly initialised UNet of this configuration (load weights with <see cref="Load"/> or <see cref="StateDictLoader"/>).</summary>
    /// <exception cref="InvalidDataException">The configuration is inconsistent or names an unsupported block.</exception>
    public UNet2DConditionModel(UNet2DConditionConfig config)
        : base(nameof(UNet2DConditionModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        var channels = config.BlockOutChannels;
        conv_in = nn.Conv2d(config.InChannels, channels[0], config.ConvInKernel, stride: 1, padding: (config.ConvInKernel - 1) / 2);
        time_embedding = new TimestepEmbedding(config.TimestepInputDim, config.TimeEmbedDim, config.TimeCondProjDim);
        down_blocks = new ModuleList<UNetDownBlock2D>();
        for (var i = 0; i < channels.Count; i++)
        {
            down_blocks.Add(new UNetDownBlock2D(config, i, i == 0 ? channels[0] : channels[i - 1]));
        }
        mid_block = new UNetMidBlock2DCrossAttn(config);
        up_blocks = new ModuleList<UNetUpBlock2D>();
        for (var i = 0; i < channels.Count; i++)
        {
            up_blocks.Add(new UNetUpBlock2D(config, i));
        }
        conv_norm_out = Norms.GroupNorm(config.NormNumGroups, channels[0], config.NormEps);
        conv_out = nn.Conv2d(channels[0], config.OutChannels, config.ConvOutKernel, stride: 1, padding: (config.ConvOutKernel - 1) / 2);
        RegisterComponents();
    }

    /// <summary>The configuration the model was built from.</summary>
    public UNet2DConditionConfig Config { get; }

    /// <summary>
    /// Loads a diffusers <c>unet/</c> folder: <c>config.json</c> plus <c>diffusion_pytorch_model.safetensors</c>
    /// (or the <c>.fp16</c> file when that is the only one; converted to float32), strictly: every key present
    /// with its shape, nothing extra. Returns the model in eval mode on <paramref name="device"/> (CPU by default).
    /// </summary>
    /// <exception cref="InvalidDataException">Unsupported config, or missing / unexpected / mis-shaped keys (named, with the file).</exception>
    public static UNet2DConditionModel Load(string unetFolder, Device? device = null)
    {
        var config = UNet2DConditionConfig.FromJsonFile(DiffusersWeights.Config(unetFolder));
        var weights = DiffusersWeights.Find(unetFolder);
        var model = new UNet2DConditionModel(config);
        try
        {
            using (var checkpoint = Checkpoint.Open(weights))
            {
                StateDictLoader.LoadStrict(model, checkpoint);
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

    /// <summary>
    /// Predicts the noise: <paramref name="sample"/> [B, in, h, w], <paramref name="timestep"/> 0-d (broadcast
    /// to the batch) or [B] (or [1]), <paramref name="encoderHiddenStates"/> [B, L, cross_attention_dim],
    /// <paramref name="timestepCond"/> [B, time_cond_proj_dim] for LCM UNets -> [B, out, h, w].
    /// </summary>
    public Tensor forward(Tensor sample, Tensor timestep, Tensor encoderHiddenStates, Tensor? timestepCond = null) =>
        ForwardObserved(sample, timestep, encoderHiddenStates, timestepCond, observe: null);

    /// <summary>
    /// <see cref="forward"/>, reporting each stage's output to <paramref name="observe"/> under diffusers' module
    /// names (<c>time_proj</c>, <c>time_embedding</c>, <c>conv_in</c>, <c>down_blocks.i</c>, <c>mid_block</c>,
    /// <c>up_blocks.i</c>, <c>conv_norm_out</c>), as forward hooks see them. The tensor is only valid during the
    /// call: keep a copy with <c>clone().DetachFromDisposeScope()</c>.
    /// </summary>
    public Tensor ForwardObserved(Tensor sample, Tensor timestep, Tensor encoderHiddenStates, Tensor? timestepCond, Action<string, Tensor>? observe)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(timestep);
        ArgumentNullException.ThrowIfNull(encoderHiddenStates);
        using var scope = NewDisposeScope();
        var batch = sample.shape[0];
        var t = timestep.dim() == 0 ? timestep.reshape(1) : timestep;
        if (t.dim() != 1 || (t.shape[0] != batch && t.shape[0] != 1))
        {
            throw new ArgumentException($"timestep must be 0-d, [1] or [{batch}], seen [{string.Join(", ", timestep.shape)}]", nameof(timestep));
        }
        t = t.to(sample.device).expand(batch);

        var tEmb = TimestepProjection.Project(t, Config.TimestepInputDim, Config.FlipSinToCos, Config.FreqShift).to(sample.dtype);
        observe?.Invoke("time_proj", tEmb);
        var emb = time_embedding.forward(tEmb, timestepCond);
        observe?.Invoke("time_embedding", emb);

        var h = conv_in.forward(sample);
        observe?.Invoke("conv_in", h);
        var skips = new List<Tensor> { h };
        for (var i = 0; i < down_blocks.Count; i++)
        {
            var (hidden, blockSkips) = down_blocks[i].forward(h, emb, encoderHiddenStates);
            h = hidden;
            skips.AddRange(blockSkips);
            observe?.Invoke($"down_blocks.{i}", h);
        }

        h = mid_block.forward(h, emb, encoderHiddenStates);
        observe?.Invoke("mid_block", h);

        // diffusers passes explicit upsample sizes when the latent is not a multiple of the total downsampling.
        var factor = 1L << (up_blocks.Count - 1);
        var forwardUpsampleSize = sample.shape[2] % factor != 0 || sample.shape[3] % factor != 0;
        for (var i = 0; i < up_blocks.Count; i++)
        {
            var block = up_blocks[i];
            var n = block.SkipCount;
            var own = skips.GetRange(skips.Count - n, n);
            skips.RemoveRange(skips.Count - n, n);
            var isFinal = i == up_blocks.Count - 1;
            long[]? size = !isFinal && forwardUpsampleSize ? [skips[^1].shape[2], skips[^1].shape[3]] : null;
            h = block.forward(h, own, emb, encoderHiddenStates, size);
            observe?.Invoke($"up_blocks.{i}", h);
        }

        h = conv_norm_out.forward(h);
        observe?.Invoke("conv_norm_out", h);
        h = nn.functional.silu(h);
        return conv_out.forward(h).MoveToOuterDisposeScope();
    }
}
