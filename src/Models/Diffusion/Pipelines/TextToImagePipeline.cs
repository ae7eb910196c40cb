using Pipeline.Models.Diffusion.Guidance;
using Pipeline.Models.Diffusion.Lora;
using Pipeline.Models.Diffusion.Schedulers;
using Pipeline.Models.Diffusion.Text;
using Pipeline.Models.Diffusion.UNet;
using Pipeline.Models.Diffusion.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Pipelines;

/// <summary>
/// Text to image with an SD-1.5 shaped model, reproducing diffusers' <c>LatentConsistencyModelPipeline</c> (a UNet with a
/// guidance embedding: prompt embeddings, no negative prompt, w = guidance - 1 embedded) and <c>StableDiffusionPipeline</c>
/// with an LCM-LoRA fused (classifier-free guidance with the empty prompt as unconditional, when guidance is above 1), with
/// either scheduler: per image its own generator (<see cref="LatentNoise"/>), the scheduler's loop, the VAE decode of the
/// last latents (for LCM these are the last step's denoised sample), and <c>(x/2+0.5).clamp(0,1)</c>. One call at a time:
/// the scheduler keeps its timesteps between steps.
/// </summary>
public sealed class TextToImagePipeline : IDisposable
{
    private readonly ClipTokenizer tokenizer;
    private readonly ClipTextModel textEncoder;
    private readonly UNet2DConditionModel unet;
    private readonly AutoencoderKL vae;
    private readonly IDiffusionScheduler scheduler;
    private readonly Device device;
    private readonly ScalarType dtype;
    private readonly Lock gate = new();

    private TextToImagePipeline(ClipTokenizer tokenizer, ClipTextModel textEncoder, UNet2DConditionModel unet, AutoencoderKL vae,
        IDiffusionScheduler scheduler, Device device, ScalarType dtype, LoraFuseReport? lora)
    {
        this.tokenizer = tokenizer;
        this.textEncoder = textEncoder;
        this.unet = unet;
        this.vae = vae;
        this.scheduler = scheduler;
        this.device = device;
        this.dtype = dtype;
        Lora = lora;
        VaeScaleFactor = 1 << (vae.Config.BlockOutChannels.Count - 1);
    }

    /// <summary>The spatial downscale of the VAE: 2^(levels - 1), 8 for SD-1.5.</summary>
    public int VaeScaleFactor { get; }

    /// <summary>The UNet embeds the guidance scale (a distilled LCM): no classifier-free guidance then.</summary>
    public bool HasGuidanceEmbedding => unet.Config.TimeCondProjDim is not null;

    public string SchedulerName => scheduler.Name;

    /// <summary>What was fused from the LoRA file, when one was given.</summary>
    public LoraFuseReport? Lora { get; }

    /// <summary>Loads every component of <paramref name="modelFolder"/> (strictly, as checkpoints are loaded everywhere here) and fuses the LoRA.</summary>
    /// <exception cref="InvalidDataException">A missing or malformed component, naming it.</exception>
    public static TextToImagePipeline Load(string modelFolder, TextToImageOptions options)
    {
        var folder = DiffusersModelFolder.Open(modelFolder);
        var device = torch.device(options.Device);
        var dtype = options.ComputeDType switch
        {
            "float32" => ScalarType.Float32,
            "float16" => ScalarType.Float16,
            "bfloat16" => ScalarType.BFloat16,
            var other => throw new ArgumentException($"compute dtype '{other}' is not known: use float32, float16 or bfloat16.", nameof(options)),
        };
        var tokenizer = ClipTokenizer.FromFolder(folder.Tokenizer);
        var scheduler = DiffusionSchedulers.FromConfigFile(folder.SchedulerConfig, options.Scheduler);
        ClipTextModel? text = null;
        UNet2DConditionModel? unet = null;
        AutoencoderKL? vae = null;
        try
        {
            text = ClipTextModel.Load(folder.TextEncoder);
            unet = UNet2DConditionModel.Load(folder.UNet);
            vae = AutoencoderKL.Load(folder.Vae);
            LoraFuseReport? report = null;
            if (options.Lora is { } loraPath)
            {
                // Fused in float32 on the CPU before any cast, as diffusers' fuse_lora does on the loaded weights.
                using var lora = LoraWeights.Load(loraPath);
                report = LoraFusion.Fuse(unet, lora.UNetLayers, options.LoraScale);
                if (lora.TextEncoderLayers.Count > 0) LoraFusion.Fuse(text, lora.TextEncoderLayers, options.LoraScale);
            }
            foreach (var module in new nn.Module[] { text, unet, vae })
            {
                module.eval();
                if (device.type != DeviceType.CPU || dtype != ScalarType.Float32) module.to(device).to(dtype);
            }
            return new TextToImagePipeline(tokenizer, text, unet, vae, scheduler, device, dtype, report);
        }
        catch
        {
            text?.Dispose();
            unet?.Dispose();
            vae?.Dispose();
            throw;
        }
    }

    /// <summary>Generates the images and rounds them to RGB bytes as diffusers' <c>numpy_to_pil</c> does.</summary>
    public IReadOnlyList<GeneratedImage> Generate(IReadOnlyList<ImageRequest> requests, GenerationSettings settings)
    {
        using var scope = NewDisposeScope();
        using var images = GenerateTensor(requests, settings, out var truncated);
        // numpy_to_pil: (images * 255).round().astype("uint8") on float32 [B, H, W, 3].
        using var bytes = images.permute(0, 2, 3, 1).mul(255f).round().to(ScalarType.Byte).contiguous();
        var all = bytes.data<byte>().ToArray();
        int perImage = settings.Width * settings.Height * 3;
        return [.. Enumerable.Range(0, requests.Count).Select(i => new GeneratedImage(all[(i * perImage)..((i + 1) * perImage)], settings.Width, settings.Height, truncated[i]))];
    }

    /// <summary>The images as float32 <c>[B, 3, H, W]</c> in [0, 1] on the CPU (the caller disposes), and which prompts were truncated.</summary>
    public Tensor GenerateTensor(IReadOnlyList<ImageRequest> requests, GenerationSettings settings, out bool[] truncated)
    {
        ArgumentOutOfRangeException.ThrowIfZero(requests.Count);
        if (settings.Width % (VaeScaleFactor * 8) != 0 || settings.Height % (VaeScaleFactor * 8) != 0)
            throw new ArgumentException($"{settings.Width}x{settings.Height} is not a multiple of {VaeScaleFactor * 8} (the VAE's downscale x 8): choose another size.", nameof(settings));
        lock (gate)
        {
            using var inference = torch.inference_mode();
            using var scope = NewDisposeScope();
            var tokens = requests.Select(r => tokenizer.Encode(r.Prompt)).ToList();
            truncated = [.. tokens.Select(t => t.Truncated)];
            var promptEmbeds = Encode(tokens);
            bool cfg = !HasGuidanceEmbedding && settings.Guidance > 1;
            if (cfg)
            {
                var uncond = Encode([.. Enumerable.Repeat(tokenizer.Encode(""), requests.Count)]);
                promptEmbeds = cat([uncond, promptEmbeds], 0);
            }
            Tensor? guidanceEmbedding = unet.Config.TimeCondProjDim is { } dim
                ? GuidanceScaleEmbedding.Create(GuidanceScaleEmbedding.PipelineW((float)settings.Guidance), dim, requests.Count).to(device).to(dtype)
                : null;

            using var noise = new LatentNoise([.. requests.Select(r => r.Seed)], unet.Config.InChannels,
                settings.Height / VaeScaleFactor, settings.Width / VaeScaleFactor);
            var latents = noise.Draw().mul(scheduler.InitNoiseSigma).to(device).to(dtype);
            scheduler.SetTimesteps(settings.Steps);
            for (int i = 0; i < scheduler.Timesteps.Count; i++)
            {
                var t = torch.tensor(scheduler.Timesteps[i], ScalarType.Int64, device);
                var input = cfg ? cat([latents, latents], 0) : latents;
                var prediction = unet.forward(input, t, promptEmbeds, guidanceEmbedding);
                if (cfg)
                {
                    var halves = prediction.chunk(2, 0);
                    prediction = halves[0] + (halves[1] - halves[0]) * settings.Guidance;
                }
                var step = scheduler.Step(prediction, i, latents, () => noise.Draw().to(device).to(dtype));
                latents = step.PrevSample;
            }
            var decoded = vae.Decode(latents / vae.Config.ScalingFactor);
            return (decoded / 2 + 0.5).clamp(0, 1).to(ScalarType.Float32).cpu().MoveToOuterDisposeScope();
        }
    }

    private Tensor Encode(IReadOnlyList<ClipTokens> tokens)
    {
        var ids = tokens.SelectMany(t => t.InputIds).ToArray();
        using var input = torch.tensor(ids, [tokens.Count, tokens[0].InputIds.Length], ScalarType.Int64, device);
        return textEncoder.forward(input);
    }

    public void Dispose()
    {
        textEncoder.Dispose();
        unet.Dispose();
        vae.Dispose();
    }
}
