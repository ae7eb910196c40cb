using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Models.Checkpoints;
using TorchSharp;

namespace Pipeline.Models.Tests.Diffusion;

/// <summary>
/// Writes a complete diffusers model folder from the LCM fixtures' tiny random models (CLIP text encoder of width 32, the
/// SD-1.5 shaped UNet at channels 32/64/64, the VAE at 32/64), so loaders, pipelines and jobs run on real files in well
/// under a second per image. With <c>guidanceEmbedding</c> the UNet gets a seeded random <c>time_embedding.cond_proj</c>
/// (an LCM_Dreamshaper-style distilled model); without, it is an SD-1.5 shaped UNet for LoRA and CFG. The tokenizer is
/// a small byte-level vocabulary of printable ASCII with a few merges, its ids inside the text encoder's 1,000.
/// </summary>
internal static class TinyDiffusersFolder
{
    /// <summary>The UNet's guidance-embedding width when it has one (the fixture's tiny <c>time_cond_proj_dim</c>).</summary>
    public const int GuidanceEmbeddingDim = 24;

    public static string Fixture(params string[] parts) =>
        Path.Combine([AppContext.BaseDirectory, "Fixtures", "lcm", .. parts]);

    /// <summary>Writes the folder at <paramref name="root"/> (created) and returns it.</summary>
    /// <param name="scheduler"><c>lcm</c> or <c>ddim</c>: whose scheduler_config.json the folder carries.</param>
    public static string Write(string root, bool guidanceEmbedding = true, string scheduler = "lcm")
    {
        Directory.CreateDirectory(root);
        WriteJson(Path.Combine(root, "model_index.json"), new JsonObject
        {
            ["_class_name"] = guidanceEmbedding ? "LatentConsistencyModelPipeline" : "StableDiffusionPipeline",
            ["_diffusers_version"] = "0.30.3",
            ["text_encoder"] = new JsonArray("transformers", "CLIPTextModel"),
            ["tokenizer"] = new JsonArray("transformers", "CLIPTokenizer"),
            ["unet"] = new JsonArray("diffusers", "UNet2DConditionModel"),
            ["vae"] = new JsonArray("diffusers", "AutoencoderKL"),
            ["scheduler"] = new JsonArray("diffusers", scheduler == "lcm" ? "LCMScheduler" : "DDIMScheduler"),
        });

        var unet = Directory.CreateDirectory(Path.Combine(root, "unet")).FullName;
        var unetConfig = JsonNode.Parse(File.ReadAllText(Fixture("unet_tiny", "config.json")))!.AsObject();
        if (guidanceEmbedding) unetConfig["time_cond_proj_dim"] = GuidanceEmbeddingDim;
        WriteJson(Path.Combine(unet, "config.json"), unetConfig);
        var unetWeights = Path.Combine(unet, "diffusion_pytorch_model.safetensors");
        if (guidanceEmbedding)
        {
            using var reader = SafeTensorsReader.Open(Fixture("unet_tiny", "diffusion_pytorch_model.safetensors"));
            var tensors = reader.ReadAll();
            // cond_proj maps the guidance embedding onto the sinusoidal timestep features, linear_1's input.
            long timestepFeatures = tensors["time_embedding.linear_1.weight"].shape[1];
            using var generator = new torch.Generator(20261202);
            tensors["time_embedding.cond_proj.weight"] = torch.randn([timestepFeatures, GuidanceEmbeddingDim], generator: generator) * 0.05f;
            SafeTensorsWriter.Write(unetWeights, tensors);
            foreach (var t in tensors.Values) t.Dispose();
        }
        else
        {
            File.Copy(Fixture("unet_tiny", "diffusion_pytorch_model.safetensors"), unetWeights);
        }

        var vae = Directory.CreateDirectory(Path.Combine(root, "vae")).FullName;
        File.Copy(Fixture("vae_tiny", "config.json"), Path.Combine(vae, "config.json"));
        File.Copy(Fixture("vae_tiny", "diffusion_pytorch_model.safetensors"), Path.Combine(vae, "diffusion_pytorch_model.safetensors"));

        var text = Directory.CreateDirectory(Path.Combine(root, "text_encoder")).FullName;
        File.Copy(Fixture("clip_text_tiny", "config.json"), Path.Combine(text, "config.json"));
        File.Copy(Fixture("clip_text_tiny", "model.safetensors"), Path.Combine(text, "model.safetensors"));

        WriteTokenizer(Directory.CreateDirectory(Path.Combine(root, "tokenizer")).FullName);

        var schedulerFolder = Directory.CreateDirectory(Path.Combine(root, "scheduler")).FullName;
        File.Copy(Fixture(scheduler == "lcm" ? "scheduler_lcm" : "scheduler_ddim", "scheduler_config.json"), Path.Combine(schedulerFolder, "scheduler_config.json"));
        return root;
    }

    /// <summary>
    /// vocab.json / merges.txt of printable ASCII (which CLIP's byte-to-unicode table maps to itself), each symbol alone
    /// and as a word end, a handful of merges, and the two special tokens; the configs are SD-1.5's.
    /// </summary>
    public static void WriteTokenizer(string folder)
    {
        var vocab = new JsonObject();
        int id = 0;
        var symbols = Enumerable.Range('!', '~' - '!' + 1).Select(c => ((char)c).ToString()).ToList();
        foreach (var s in symbols) vocab[s] = id++;
        foreach (var s in symbols) vocab[s + "</w>"] = id++;
        string[] merges = ["t h", "th e</w>", "a n", "o n", "r e", "e d</w>", "i n", "in g</w>", "o f</w>", "a r", "e r</w>", "c a", "ca t</w>"];
        foreach (var merge in merges) vocab[merge.Replace(" ", "")] = id++;
        vocab["<|startoftext|>"] = id++;
        vocab["<|endoftext|>"] = id++;
        WriteJson(Path.Combine(folder, "vocab.json"), vocab);
        File.WriteAllText(Path.Combine(folder, "merges.txt"), "#version: 0.2\n" + string.Join('\n', merges) + "\n");
        File.Copy(Fixture("tokenizer", "tokenizer_config.json"), Path.Combine(folder, "tokenizer_config.json"));
        File.Copy(Fixture("tokenizer", "special_tokens_map.json"), Path.Combine(folder, "special_tokens_map.json"));
    }

    private static void WriteJson(string path, JsonNode node) =>
        File.WriteAllText(path, node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
}
