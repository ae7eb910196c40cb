using Pipeline.Models.Diffusion.Vae;
using Xunit.Abstractions;
using static TorchSharp.torch;
using F = Pipeline.Models.Tests.Diffusion.Vae.VaeFixture;

namespace Pipeline.Models.Tests.Diffusion.Vae;

/// <summary>The TorchSharp AutoencoderKL against diffusers 0.30.3 on the <c>vae_tiny</c> fixture.</summary>
public sealed class AutoencoderKLTests(ITestOutputHelper output)
{
    [Fact]
    public void DecodeMatchesDiffusersIncludingEveryStage()
    {
        using var scope = NewDisposeScope();
        using var vae = AutoencoderKL.Load(F.Folder);
        var inputs = F.Read("inputs.safetensors");
        var expected = F.Read("expected.safetensors");
        using var _ = inference_mode();

        // The pipelines' float32 division of the latents by the scaling factor.
        var decodeInput = inputs["latents"] / vae.Config.ScalingFactor;
        var inputDiff = F.MaxAbsDiff(decodeInput, expected["decode_input"]);
        output.WriteLine($"decode_input: max |diff| {inputDiff:G3}");
        Assert.True(inputDiff == 0, $"decode_input: expected latents / 0.18215 bit-for-bit, seen max |diff| {inputDiff:G3}");

        var seen = new Dictionary<string, double>(StringComparer.Ordinal);
        var decoded = vae.Decode(expected["decode_input"], (name, t) => seen[name] = F.MaxAbsDiff(t, expected["decode." + name]));
        var decodedDiff = F.MaxAbsDiff(decoded, expected["decoded"]);
        foreach (var (name, diff) in seen)
        {
            output.WriteLine($"decode.{name}: max |diff| {diff:G3}");
        }
        output.WriteLine($"decoded: max |diff| {decodedDiff:G3}");

        string[] stages = ["post_quant_conv", "decoder.conv_in", "decoder.mid_block", "decoder.up_blocks.0", "decoder.up_blocks.1", "decoder.conv_norm_out"];
        Assert.Equal(stages, seen.Keys.ToArray());
        foreach (var name in stages)
        {
            Assert.True(seen[name] <= F.Tolerance, $"decode.{name}: expected max |diff| <= {F.Tolerance:G3}, seen {seen[name]:G3}");
        }
        Assert.True(decodedDiff <= 9.9e-5, $"decoded: expected max |diff| <= 9.9e-05 (meta suggested_atol), seen {decodedDiff:G3}");
    }

    [Fact]
    public void EncodeMatchesDiffusersIncludingEveryStage()
    {
        using var scope = NewDisposeScope();
        using var vae = AutoencoderKL.Load(F.Folder);
        var inputs = F.Read("inputs.safetensors");
        var expected = F.Read("expected.safetensors");
        using var _ = inference_mode();

        var seen = new Dictionary<string, double>(StringComparer.Ordinal);
        var (mean, logVar) = vae.Encode(inputs["image"], (name, t) => seen[name] = F.MaxAbsDiff(t, expected["encode." + name]));
        foreach (var (name, diff) in seen)
        {
            output.WriteLine($"encode.{name}: max |diff| {diff:G3}");
        }

        string[] stages = ["encoder.conv_in", "encoder.down_blocks.0", "encoder.down_blocks.1", "encoder.mid_block", "encoder.conv_out", "quant_conv"];
        Assert.Equal(stages, seen.Keys.ToArray());
        foreach (var name in stages)
        {
            Assert.True(seen[name] <= F.Tolerance, $"encode.{name}: expected max |diff| <= {F.Tolerance:G3}, seen {seen[name]:G3}");
        }
        F.AssertClose(expected["latent_mean"], mean, "latent_mean", 6.8e-5);
        F.AssertClose(expected["latent_logvar"], logVar, "latent_logvar");
        F.AssertClose(expected["latent_std"], (0.5 * logVar).exp(), "latent_std");
        F.AssertClose(expected["latent_mean_scaled"], mean * vae.Config.ScalingFactor, "latent_mean_scaled");
    }

    [Fact]
    public void SeededTorchSharpRandnReproducesPyTorchNoiseAndLatentSample()
    {
        using var scope = NewDisposeScope();
        using var vae = AutoencoderKL.Load(F.Folder);
        var inputs = F.Read("inputs.safetensors");
        var expected = F.Read("expected.safetensors");
        using var _ = inference_mode();

        // meta.json: sample_eps = torch.randn(shape, generator=torch.Generator().manual_seed(1238)).
        var eps = randn([2, 4, 8, 8], generator: new TorchSharp.torch.Generator(1238));
        var epsDiff = F.MaxAbsDiff(eps, inputs["sample_eps"]);
        var seenBits = eps.data<float>().ToArray();
        var expectedBits = inputs["sample_eps"].data<float>().ToArray();
        var differing = seenBits.Zip(expectedBits).Count(p => BitConverter.SingleToInt32Bits(p.First) != BitConverter.SingleToInt32Bits(p.Second));
        output.WriteLine($"TorchSharp randn(seed 1238) vs PyTorch sample_eps: {differing} of {seenBits.Length} values differ in their bits, max |diff| {epsDiff:G3}");
        Assert.True(differing == 0, $"sample_eps: expected TorchSharp's seeded CPU randn to equal PyTorch's bit-for-bit, seen {differing} of {seenBits.Length} values differ (max |diff| {epsDiff:G3})");

        var (mean, logVar) = vae.Encode(inputs["image"]);
        var sample = mean + (0.5 * logVar).exp() * eps;
        F.AssertClose(expected["latent_sample"], sample, "latent_sample = mean + std * eps");
    }
}
