using Pipeline.Models.Diffusion.Text;
using Pipeline.Models.Diffusion.UNet;
using Pipeline.Models.Diffusion.Vae;
using Pipeline.Models.Tests.Diffusion;

namespace Pipeline.Bench;

/// <summary>
/// The model shapes the generation benchmark times: <c>tiny</c> = the LCM fixtures' configs (32x32 images, the folder the
/// tests generate with), <c>sd15</c> = Stable Diffusion 1.5 / LCM_Dreamshaper_v7 (CLIP ViT-L/14 text tower, the 860M UNet
/// with a 256-wide guidance embedding, the 4-level VAE, 512x512 images from 64x64 latents).
/// </summary>
public sealed record DiffusionBenchShapes(string Name, ClipTextConfig Text, UNet2DConditionConfig UNet, AutoencoderKLConfig Vae, int ImageSize)
{
    public static DiffusionBenchShapes For(string name) => name switch
    {
        "tiny" => new("tiny",
            ClipTextConfig.FromJsonFile(TinyDiffusersFolder.Fixture("clip_text_tiny", "config.json")),
            UNet2DConditionConfig.FromJsonFile(TinyDiffusersFolder.Fixture("unet_tiny", "config.json")) with { TimeCondProjDim = TinyDiffusersFolder.GuidanceEmbeddingDim },
            AutoencoderKLConfig.FromJsonFile(TinyDiffusersFolder.Fixture("vae_tiny", "config.json")),
            64),
        "sd15" => new("sd15",
            new ClipTextConfig { VocabSize = 49408, HiddenSize = 768, IntermediateSize = 3072, NumHiddenLayers = 12, NumAttentionHeads = 12, MaxPositionEmbeddings = 77 },
            new UNet2DConditionConfig { CrossAttentionDim = 768, BlockOutChannels = [320, 640, 1280, 1280], NumAttentionHeads = [8, 8, 8, 8], TimeCondProjDim = 256, SampleSize = 64 },
            new AutoencoderKLConfig
            {
                BlockOutChannels = [128, 256, 512, 512], NormNumGroups = 32, LayersPerBlock = 2, LatentChannels = 4,
                DownBlockTypes = [.. Enumerable.Repeat("DownEncoderBlock2D", 4)], UpBlockTypes = [.. Enumerable.Repeat("UpDecoderBlock2D", 4)],
            },
            512),
        _ => throw new ArgumentException($"--sizes '{name}' is not known: use tiny and/or sd15"),
    };
}
