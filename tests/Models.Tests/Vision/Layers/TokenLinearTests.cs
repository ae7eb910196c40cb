using Pipeline.Models.Checkpoints;
using Pipeline.Models.Vision.Layers;
using TorchSharp;

namespace Pipeline.Models.Tests.Vision.Layers;

public sealed class TokenLinearTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LoadsALinearStateDictAndComputesWhatLinearDoes(bool hasBias)
    {
        using var weight = torch.randn(6, 4);
        using var bias = torch.randn(6);
        using var layer = new TokenLinear(4, 6, hasBias);
        var state = new Dictionary<string, torch.Tensor> { ["weight"] = weight };
        if (hasBias) state["bias"] = bias;
        StateDictLoader.LoadStrict(layer, state);

        using var noGrad = torch.no_grad();
        using var tokens = torch.randn(3, 7, 4);
        using var output = layer.forward(tokens);
        using var reference = torch.nn.functional.linear(tokens, weight, hasBias ? bias : null);
        Assert.Equal([3, 7, 6], output.shape);
        Assert.True(output.is_contiguous(), "expected a contiguous [..., out] result, as linear gives");
        Assert.True(output.allclose(reference, rtol: 1e-5, atol: 1e-5), "expected the result of linear over the last dimension");
    }

    [Theory]
    [InlineData(torch.ScalarType.BFloat16)]
    [InlineData(torch.ScalarType.Float16)]
    public void InHalfPrecisionItComputesWhatLinearDoes(torch.ScalarType dtype)
    {
        using var layer = new TokenLinear(16, 8);
        layer.to(dtype);
        using var noGrad = torch.no_grad();
        using var tokens = torch.randn(2, 5, 16).to(dtype);
        var weight = layer.parameters().First();
        var bias = layer.parameters().Last();
        using var output = layer.forward(tokens);
        using var reference = torch.nn.functional.linear(tokens.to(torch.ScalarType.Float32), weight.to(torch.ScalarType.Float32), bias.to(torch.ScalarType.Float32));
        Assert.Equal(dtype, output.dtype);
        Assert.True(output.to(torch.ScalarType.Float32).allclose(reference, rtol: 0.02, atol: 0.02), $"{dtype}: expected linear's result to half precision");
    }

    [Fact]
    public void StridedInputAndOneRowGiveWhatLinearGives()
    {
        using var layer = new TokenLinear(5, 3);
        using var noGrad = torch.no_grad();
        using var wide = torch.randn(2, 4, 10);
        using var strided = wide[.., .., ..5];
        using var transposed = torch.randn(2, 5, 4).transpose(1, 2);
        using var single = torch.randn(1, 5);
        var weight = layer.parameters().First();
        var bias = layer.parameters().Last();
        foreach (var input in new[] { strided, transposed, single })
        {
            using var output = layer.forward(input);
            using var reference = torch.nn.functional.linear(input, weight, bias);
            Assert.True(output.allclose(reference, rtol: 1e-5, atol: 1e-5), $"input [{string.Join(", ", input.shape)}] strides [{string.Join(", ", input.stride())}]");
        }
    }

    [Fact]
    public void AWrongFeatureCountIsRefusedWithTheShape()
    {
        using var layer = new TokenLinear(4, 6);
        using var input = torch.randn(2, 5);
        var error = Assert.Throws<ArgumentException>(() => layer.forward(input));
        Assert.Contains("expects 4 input features", error.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 5]", error.Message, StringComparison.Ordinal);
    }
}
