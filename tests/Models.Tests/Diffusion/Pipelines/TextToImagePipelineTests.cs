using Pipeline.Models.Checkpoints;
using Pipeline.Models.Diffusion.Guidance;
using Pipeline.Models.Diffusion.Pipelines;
using Pipeline.Models.Diffusion.Schedulers;
using Pipeline.Models.Diffusion.Text;
using Pipeline.Models.Diffusion.UNet;
using Pipeline.Models.Diffusion.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Diffusion.Pipelines;

/// <summary>
/// The pipeline against the reference flow assembled by hand from the pieces, one image at a time, exactly as the
/// fixture README defines diffusers' two pipelines: the distilled LCM (guidance embedding w = g - 1, no CFG, decode of
/// the last denoised) and SD-1.5 + a fused LCM-LoRA (CFG with the empty prompt, scale 1.5). The pieces themselves are
/// checked against diffusers' goldens in their own tests; this checks the wiring: seeds, generators, order, guidance.
/// </summary>
public sealed class TextToImagePipelineTests : IDisposable
{
    private const double Tolerance = 1e-5;
    private static readonly string[] Prompts = ["a cat on the roof", "ring"];
    private readonly string root = Directory.CreateTempSubdirectory("pipeline-t2i-tests-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void LcmFourSteps_MatchesTheReferenceFlow_ImageByImage()
    {
        var folder = TinyDiffusersFolder.Write(Path.Combine(root, "lcm"));
        var settings = new GenerationSettings(4, 8.0, 32, 32);
        using var pipeline = TextToImagePipeline.Load(folder, new TextToImageOptions());
        Assert.True(pipeline.HasGuidanceEmbedding);
        using var images = pipeline.GenerateTensor([new ImageRequest(Prompts[0], 11), new ImageRequest(Prompts[1], 12)], settings, out _);

        for (int i = 0; i < Prompts.Length; i++)
        {
            using var expected = ReferenceFlow(folder, Prompts[i], 11 + i, settings, lora: null, cfg: false);
            AssertClose(expected, images[i].unsqueeze(0), $"LCM image {i}");
        }
    }

    [Fact]
    public void SdWithFusedLora_RunsCfgLikeDiffusers_ImageByImage()
    {
        var folder = TinyDiffusersFolder.Write(Path.Combine(root, "sd"), guidanceEmbedding: false);
        var loraFile = Path.Combine(root, "lora.safetensors");
        var lora = WriteKohyaLora(Path.Combine(folder, "unet"), loraFile);
        var settings = new GenerationSettings(4, 1.5, 32, 32);
        using var pipeline = TextToImagePipeline.Load(folder, new TextToImageOptions(Lora: loraFile, LoraScale: 0.8));
        Assert.False(pipeline.HasGuidanceEmbedding);
        Assert.NotNull(pipeline.Lora);
        using var images = pipeline.GenerateTensor([new ImageRequest(Prompts[0], 5), new ImageRequest(Prompts[1], 6)], settings, out _);

        for (int i = 0; i < Prompts.Length; i++)
        {
            using var expected = ReferenceFlow(folder, Prompts[i], 5 + i, settings, (lora, 0.8), cfg: true);
            AssertClose(expected, images[i].unsqueeze(0), $"LoRA image {i}");
        }
        foreach (var (_, down, up, _) in lora)
        {
            down.Dispose();
            up.Dispose();
        }
    }

    [Fact]
    public void DdimBaseline_RunsThroughTheSamePath_AndSeedsFixTheImage()
    {
        var folder = TinyDiffusersFolder.Write(Path.Combine(root, "ddim-from-lcm"));
        var settings = new GenerationSettings(50, 8.0, 32, 32);
        using var pipeline = TextToImagePipeline.Load(folder, new TextToImageOptions(Scheduler: "ddim"));
        Assert.Equal("ddim", pipeline.SchedulerName);
        var first = pipeline.Generate([new ImageRequest("ring", 3)], settings)[0];
        var again = pipeline.Generate([new ImageRequest("a cat", 4), new ImageRequest("ring", 3)], settings)[1];
        var other = pipeline.Generate([new ImageRequest("ring", 9)], settings)[0];
        Assert.True(first.Rgb.AsSpan().SequenceEqual(again.Rgb), "the same prompt and seed must give the same bytes, whatever the batch");
        Assert.False(first.Rgb.AsSpan().SequenceEqual(other.Rgb), "another seed must give another image");
    }

    [Fact]
    public void LongPrompts_AreReportedTruncated()
    {
        var folder = TinyDiffusersFolder.Write(Path.Combine(root, "truncate"));
        using var pipeline = TextToImagePipeline.Load(folder, new TextToImageOptions());
        var images = pipeline.Generate([new ImageRequest(string.Join(' ', Enumerable.Repeat("cat", 80)), 1), new ImageRequest("cat", 1)], new GenerationSettings(1, 8.0, 32, 32));
        Assert.Equal([true, false], images.Select(i => i.PromptTruncated));
        Assert.Equal(32 * 32 * 3, images[0].Rgb.Length);
    }

    /// <summary>
    /// diffusers' flow for one image, written out step by step from the README: ids, prompt embeddings (and the empty
    /// prompt's for CFG), the image's own generator drawing the initial latents and each step's noise, the scheduler
    /// loop, the VAE decode of the final latents divided by the scaling factor, <c>(x/2+0.5).clamp(0,1)</c>.
    /// </summary>
    private static Tensor ReferenceFlow(string folder, string prompt, long seed, GenerationSettings settings,
        (List<(string Module, Tensor Down, Tensor Up, double Alpha)> Layers, double Scale)? lora, bool cfg)
    {
        using var inference = torch.inference_mode();
        using var scope = NewDisposeScope();
        var tokenizer = ClipTokenizer.FromFolder(Path.Combine(folder, "tokenizer"));
        using var text = ClipTextModel.Load(Path.Combine(folder, "text_encoder"));
        using var unet = UNet2DConditionModel.Load(Path.Combine(folder, "unet"));
        using var vae = AutoencoderKL.Load(Path.Combine(folder, "vae"));
        if (lora is { } l) FuseByHand(unet, l.Layers, l.Scale);
        var scheduler = DiffusionSchedulers.FromConfigFile(Path.Combine(folder, "scheduler", "scheduler_config.json"));

        Tensor Embed(string p) => text.forward(torch.tensor(tokenizer.Encode(p).InputIds, [1, 77], ScalarType.Int64));
        var embeds = cfg ? torch.cat([Embed(""), Embed(prompt)], 0) : Embed(prompt);
        Tensor? w = unet.Config.TimeCondProjDim is { } dim ? GuidanceScaleEmbedding.Create((float)settings.Guidance - 1, dim, 1) : null;

        using var generator = new Generator((ulong)seed);
        int factor = 1 << (vae.Config.BlockOutChannels.Count - 1);
        long[] shape = [1, 4, settings.Height / factor, settings.Width / factor];
        var latents = torch.randn(shape, ScalarType.Float32, generator: generator);
        Tensor denoised = latents;
        scheduler.SetTimesteps(settings.Steps);
        for (int i = 0; i < scheduler.Timesteps.Count; i++)
        {
            var t = torch.tensor(scheduler.Timesteps[i]);
            var pred = unet.forward(cfg ? torch.cat([latents, latents], 0) : latents, t, embeds, w);
            if (cfg)
            {
                var (uncond, cond) = (pred[0].unsqueeze(0), pred[1].unsqueeze(0));
                pred = uncond + settings.Guidance * (cond - uncond);
            }
            var step = scheduler.Step(pred, i, latents, () => torch.randn(shape, ScalarType.Float32, generator: generator));
            (latents, denoised) = (step.PrevSample, step.Denoised);
        }
        // The LCM pipeline decodes the last step's denoised sample; StableDiffusionPipeline the final latents.
        var image = vae.Decode((cfg ? latents : denoised) / vae.Config.ScalingFactor);
        return (image / 2 + 0.5).clamp(0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>W += scale * alpha / r * up @ down, written here independently of LoraFusion.</summary>
    private static void FuseByHand(nn.Module unet, List<(string Module, Tensor Down, Tensor Up, double Alpha)> layers, double scale)
    {
        var parameters = unet.state_dict();
        using var noGrad = torch.no_grad();
        foreach (var (module, down, up, alpha) in layers)
        {
            var weight = parameters[module + ".weight"];
            var delta = up.flatten(1).matmul(down.flatten(1)).reshape(weight.shape) * (scale * alpha / down.shape[0]);
            weight.add_(delta);
        }
    }

    /// <summary>A kohya LCM-LoRA style file over a few kinds of layer (attention, feed-forward, resnet conv, proj_in, time projection).</summary>
    private static List<(string Module, Tensor Down, Tensor Up, double Alpha)> WriteKohyaLora(string unetFolder, string path)
    {
        using var unet = UNet2DConditionModel.Load(unetFolder);
        var state = unet.state_dict();
        string[] modules =
        [
            "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q",
            "down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k",
            "mid_block.attentions.0.transformer_blocks.0.ff.net.0.proj",
            "up_blocks.1.attentions.0.proj_in",
            "down_blocks.1.resnets.0.conv1",
            "up_blocks.2.resnets.1.time_emb_proj",
        ];
        const int rank = 4;
        const double alpha = 2;
        using var generator = new Generator(42);
        var layers = new List<(string, Tensor, Tensor, double)>();
        var tensors = new Dictionary<string, Tensor>();
        foreach (var module in modules)
        {
            var weight = state[module + ".weight"];
            long[] downShape = weight.dim() == 4 ? [rank, weight.shape[1], weight.shape[2], weight.shape[3]] : [rank, weight.shape[1]];
            long[] upShape = weight.dim() == 4 ? [weight.shape[0], rank, 1, 1] : [weight.shape[0], rank];
            var down = torch.randn(downShape, generator: generator) * 0.1f;
            var up = torch.randn(upShape, generator: generator) * 0.1f;
            var key = "lora_unet_" + module.Replace('.', '_');
            tensors[key + ".lora_down.weight"] = down;
            tensors[key + ".lora_up.weight"] = up;
            tensors[key + ".alpha"] = torch.tensor((float)alpha);
            layers.Add((module, down, up, alpha));
        }
        SafeTensorsWriter.Write(path, tensors);
        return layers;
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.shape.SequenceEqual(actual.shape), $"{what}: expected shape [{string.Join(", ", expected.shape)}], seen [{string.Join(", ", actual.shape)}]");
        using var diff = (expected - actual).abs().max();
        double seen = diff.item<float>();
        Assert.True(seen <= Tolerance, $"{what}: expected max |diff| <= {Tolerance:G3} from the reference flow, seen {seen:G3}");
    }
}
