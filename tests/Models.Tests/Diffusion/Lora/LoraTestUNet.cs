using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Diffusion.Lora;

/// <summary>
/// A tiny module tree whose paths read like a diffusers UNet's (<c>down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q</c>,
/// <c>...to_out.0</c>, <c>...ff.net.0.proj</c>, <c>down_blocks.0.resnets.0.conv1</c>), with real underscores in names so
/// kohya's flattened names must be resolved against the tree. No forward: tests call the leaf layers.
/// </summary>
internal sealed class LoraTestUNet : nn.Module
{
    public const int Channels = 8;

    private readonly Conv2d conv_in;
    private readonly ModuleList<nn.Module> down_blocks;

    public LoraTestUNet() : base(nameof(LoraTestUNet))
    {
        conv_in = nn.Conv2d(4, Channels, 3, padding: 1);
        down_blocks = nn.ModuleList<nn.Module>(Block(withAttention: true), Block(withAttention: false));
        RegisterComponents();
    }

    /// <summary>The module at <paramref name="path"/> (a dotted path as in <c>named_modules()</c>).</summary>
    public nn.Module At(string path) => named_modules().Single(m => m.name == path).module;

    private static nn.Module Block(bool withAttention)
    {
        var resnet = new LoraTestContainer("resnet",
            ("conv1", nn.Conv2d(Channels, Channels, 3, padding: 1)),
            ("time_emb_proj", nn.Linear(16, Channels)));
        if (!withAttention)
        {
            return new LoraTestContainer("block", ("resnets", nn.ModuleList<nn.Module>(resnet)));
        }
        var attention = new LoraTestContainer("attention",
            ("to_q", nn.Linear(Channels, Channels, hasBias: false)),
            ("to_out", nn.ModuleList<nn.Module>(nn.Linear(Channels, Channels), nn.Dropout(0.0))));
        var feedForward = new LoraTestContainer("ff",
            ("net", nn.ModuleList<nn.Module>(new LoraTestContainer("geglu", ("proj", nn.Linear(Channels, 4 * Channels))), nn.Dropout(0.0), nn.Linear(2 * Channels, Channels))));
        var block = new LoraTestContainer("transformer_block", ("attn1", attention), ("ff", feedForward));
        var transformer = new LoraTestContainer("transformer",
            ("proj_in", nn.Conv2d(Channels, Channels, 1)),
            ("transformer_blocks", nn.ModuleList<nn.Module>(block)));
        return new LoraTestContainer("block", ("attentions", nn.ModuleList<nn.Module>(transformer)), ("resnets", nn.ModuleList<nn.Module>(resnet)));
    }
}
