using Pipeline.Models.Diffusion.UNet;
using Xunit.Abstractions;
using static TorchSharp.torch;
using F = Pipeline.Models.Tests.Diffusion.UNet.UNetFixture;

namespace Pipeline.Models.Tests.Diffusion.UNet;

/// <summary>The TorchSharp UNet2DConditionModel against diffusers 0.30.3 on the <c>unet_tiny</c> fixture (SD-1.5 block structure).</summary>
public sealed class UNet2DConditionModelTests(ITestOutputHelper output)
{
    private static readonly string[] Intermediates =
    [
        "time_proj", "time_embedding", "conv_in", "down_blocks.0", "down_blocks.1", "down_blocks.2", "mid_block",
        "up_blocks.0", "up_blocks.1", "up_blocks.2", "conv_norm_out",
    ];

    [Fact]
    public void PerSampleTimestepsMatchDiffusersIncludingEveryBlock()
    {
        using var scope = NewDisposeScope();
        using var model = UNet2DConditionModel.Load(F.Folder);
        var inputs = F.Read("inputs.safetensors");
        var expected = F.Read("expected.safetensors");
        using var _ = inference_mode();

        var seen = new Dictionary<string, double>(StringComparer.Ordinal);
        var result = model.ForwardObserved(inputs["sample"], inputs["timestep"], inputs["encoder_hidden_states"], null,
            (name, tensor) => seen[name] = F.MaxAbsDiff(tensor, expected["intermediate." + name]));
        var sampleDiff = F.MaxAbsDiff(result, expected["sample"]);
        foreach (var (name, diff) in seen)
        {
            output.WriteLine($"{name}: max |diff| {diff:G3}");
        }
        output.WriteLine($"sample: max |diff| {sampleDiff:G3}");

        Assert.Equal(Intermediates, seen.Keys.ToArray());
        foreach (var name in Intermediates)
        {
            Assert.True(seen[name] <= F.Tolerance, $"intermediate.{name}: expected max |diff| <= {F.Tolerance:G3}, seen {seen[name]:G3}");
        }
        Assert.True(sampleDiff <= 7.4e-5, $"sample: expected max |diff| <= 7.4e-05 (meta suggested_atol), seen {sampleDiff:G3}");
    }

    [Fact]
    public void ScalarTimestepIsBroadcastToTheBatch()
    {
        using var scope = NewDisposeScope();
        using var model = UNet2DConditionModel.Load(F.Folder);
        var inputs = F.Read("inputs.safetensors");
        var expected = F.Read("expected.safetensors");
        Assert.Equal(0, inputs["timestep_scalar"].dim());
        using var _ = inference_mode();

        var result = model.forward(inputs["sample"], inputs["timestep_scalar"], inputs["encoder_hidden_states"]);

        F.AssertClose(expected["sample_timestep_scalar"], result, "sample_timestep_scalar", 7.2e-5);
        // The per-sample result differs, so the scalar path really used t = 499 for both rows.
        Assert.True(F.MaxAbsDiff(result, expected["sample"]) > 1e-2, "expected the t=499 output to differ from the (999, 259) output");
    }

    [Fact]
    public void LatentSizeNotAMultipleOfTheDownsamplingUpsamplesToTheSkipSizes()
    {
        using var scope = NewDisposeScope();
        using var model = UNet2DConditionModel.Load(F.Folder);
        var inputs = F.Read("inputs.safetensors");
        using var _ = inference_mode();
        var sample = randn([2, 4, 10, 6], generator: new TorchSharp.torch.Generator(3));
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);

        var result = model.ForwardObserved(sample, inputs["timestep"], inputs["encoder_hidden_states"], null, (name, t) => shapes[name] = t.shape);

        // 10x6 -> 5x3 -> 3x2 down; the up path must return to 5x3 and 10x6 (diffusers' forward_upsample_size).
        Assert.Equal(new long[] { 2, 64, 3, 2 }, shapes["down_blocks.1"]);
        Assert.Equal(new long[] { 2, 64, 5, 3 }, shapes["up_blocks.0"]);
        Assert.Equal(new long[] { 2, 64, 10, 6 }, shapes["up_blocks.1"]);
        Assert.Equal(new long[] { 2, 4, 10, 6 }, result.shape);
    }

    [Fact]
    public void TimestepProjectionPutsCosFirstAndDividesByHalf()
    {
        using var scope = NewDisposeScope();
        var t = tensor(new long[] { 999, 259 });
        var emb = TimestepProjection.Project(t, 32, flipSinToCos: true, freqShift: 0);
        // Column 0 is cos(t * 1) and column 16 sin(t * 1); column 1 uses f_1 = exp(-ln(10000) / 16).
        var f1 = Math.Exp(-Math.Log(10000) / 16);
        Assert.Equal(Math.Cos(999.0), emb[0, 0].item<float>(), 4);
        Assert.Equal(Math.Sin(999.0), emb[0, 16].item<float>(), 4);
        Assert.Equal(Math.Cos(259.0 * f1), emb[1, 1].item<float>(), 4);
        Assert.Equal(Math.Sin(259.0 * f1), emb[1, 17].item<float>(), 4);
    }

    [Fact]
    public void LoadsWeightsStrictlyFromTheFolderFile()
    {
        using var model = UNet2DConditionModel.Load(F.Folder);
        var keys = model.state_dict().Keys.ToHashSet(StringComparer.Ordinal);
        foreach (var key in new[]
        {
            "conv_in.weight", "time_embedding.linear_1.weight", "time_embedding.linear_2.bias",
            "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.weight",
            "down_blocks.0.attentions.0.transformer_blocks.0.ff.net.0.proj.weight",
            "down_blocks.0.attentions.0.transformer_blocks.0.ff.net.2.weight",
            "down_blocks.0.downsamplers.0.conv.weight", "up_blocks.1.upsamplers.0.conv.weight",
            "mid_block.resnets.0.time_emb_proj.weight", "mid_block.attentions.0.proj_in.weight",
            "up_blocks.1.resnets.2.conv_shortcut.weight", "conv_norm_out.weight", "conv_out.bias",
        })
        {
            Assert.True(keys.Contains(key), $"expected key {key} in the state dict, not seen");
        }
        Assert.DoesNotContain("down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.bias", keys);
        Assert.DoesNotContain("time_embedding.cond_proj.weight", keys);
        Assert.Null(model.Config.TimeCondProjDim);
        Assert.Equal([8, 8, 8], model.Config.NumAttentionHeads);
    }
}
