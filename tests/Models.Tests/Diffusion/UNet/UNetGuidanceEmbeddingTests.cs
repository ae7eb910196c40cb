using Pipeline.Models.Checkpoints;
using Pipeline.Models.Diffusion.UNet;
using static TorchSharp.torch;
using F = Pipeline.Models.Tests.Diffusion.UNet.UNetFixture;

namespace Pipeline.Models.Tests.Diffusion.UNet;

/// <summary>
/// The LCM guidance embedding path (<c>time_cond_proj_dim</c>): no golden exists for it, so a small random UNet is
/// written to a folder, loaded back, and its <c>time_embedding</c> is recomputed by hand from its own weights.
/// </summary>
public sealed class UNetGuidanceEmbeddingTests
{
    private const int CondDim = 8;

    private const string ConfigJson = """
        {
          "_class_name": "UNet2DConditionModel",
          "sample_size": 8,
          "in_channels": 4,
          "out_channels": 4,
          "down_block_types": ["CrossAttnDownBlock2D", "DownBlock2D"],
          "mid_block_type": "UNetMidBlock2DCrossAttn",
          "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D"],
          "block_out_channels": [32, 64],
          "layers_per_block": 1,
          "norm_num_groups": 8,
          "cross_attention_dim": 16,
          "attention_head_dim": 2,
          "use_linear_projection": true,
          "time_cond_proj_dim": 8,
          "class_embed_type": null,
          "addition_embed_type": null
        }
        """;

    [Fact]
    public void GuidanceEmbeddingGoesThroughCondProjBeforeLinear1()
    {
        var folder = WriteRandomUNet(dropKey: null);
        try
        {
            using var scope = NewDisposeScope();
            using var model = UNet2DConditionModel.Load(folder);
            Assert.Equal(CondDim, model.Config.TimeCondProjDim);
            var state = model.state_dict();
            Assert.True(state.ContainsKey("time_embedding.cond_proj.weight"), "expected key time_embedding.cond_proj.weight, not seen");
            Assert.False(state.ContainsKey("time_embedding.cond_proj.bias"), "expected cond_proj without bias, seen a bias");

            var generator = new TorchSharp.torch.Generator(11);
            var sample = randn([2, 4, 8, 8], generator: generator);
            var context = randn([2, 5, 16], generator: generator);
            var cond = randn([2, CondDim], generator: generator);
            var t = tensor(new long[] { 999, 259 });
            using var _ = inference_mode();

            Tensor? timeProj = null;
            Tensor? timeEmbedding = null;
            var guided = model.ForwardObserved(sample, t, context, cond, (name, x) =>
            {
                if (name == "time_proj")
                {
                    timeProj = x.clone().DetachFromDisposeScope();
                }
                else if (name == "time_embedding")
                {
                    timeEmbedding = x.clone().DetachFromDisposeScope();
                }
            });
            var plain = model.forward(sample, t, context);

            Assert.NotNull(timeProj);
            Assert.NotNull(timeEmbedding);
            scope.Attach(timeProj);
            scope.Attach(timeEmbedding);
            var byHand = Linear(
                nn.functional.silu(Linear(timeProj + cond.matmul(state["time_embedding.cond_proj.weight"].t()),
                    state["time_embedding.linear_1.weight"], state["time_embedding.linear_1.bias"])),
                state["time_embedding.linear_2.weight"], state["time_embedding.linear_2.bias"]);
            F.AssertClose(byHand, timeEmbedding, "time_embedding vs linear_2(silu(linear_1(time_proj + cond_proj(cond))))", 1e-5);

            Assert.Equal(new long[] { 2, 4, 8, 8 }, guided.shape);
            var change = F.MaxAbsDiff(guided, plain);
            Assert.True(change > 1e-4, $"expected the guidance-conditioned output to differ from the unconditioned one, seen max |diff| {change:G3}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void MissingCondProjWeightIsRefusedByName()
    {
        var folder = WriteRandomUNet(dropKey: "time_embedding.cond_proj.weight");
        try
        {
            var ex = Assert.Throws<InvalidDataException>(() => UNet2DConditionModel.Load(folder));
            Assert.Contains("missing", ex.Message, StringComparison.Ordinal);
            Assert.Contains("time_embedding.cond_proj.weight", ex.Message, StringComparison.Ordinal);
            Assert.Contains(folder, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void ConditionWithoutCondProjIsRefused()
    {
        using var scope = NewDisposeScope();
        using var model = UNet2DConditionModel.Load(F.Folder);
        var inputs = F.Read("inputs.safetensors");
        using var _ = inference_mode();
        var ex = Assert.Throws<ArgumentException>(() =>
            model.forward(inputs["sample"], inputs["timestep"], inputs["encoder_hidden_states"], zeros(2, 8)));
        Assert.Contains("cond_proj", ex.Message, StringComparison.Ordinal);
    }

    private static Tensor Linear(Tensor x, Tensor weight, Tensor bias) => x.matmul(weight.t()) + bias;

    private static string WriteRandomUNet(string? dropKey)
    {
        var folder = F.TempFolder();
        var configPath = Path.Combine(folder, "config.json");
        File.WriteAllText(configPath, ConfigJson);
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var model = new UNet2DConditionModel(UNet2DConditionConfig.FromJsonFile(configPath));
        var state = model.state_dict();
        if (dropKey is not null)
        {
            Assert.True(state.Remove(dropKey), $"expected key {dropKey} in the random model, not seen");
        }
        SafeTensorsWriter.Write(Path.Combine(folder, "diffusion_pytorch_model.safetensors"), state);
        return folder;
    }
}
