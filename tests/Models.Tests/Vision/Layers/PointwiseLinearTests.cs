using Pipeline.Models.Checkpoints;
using Pipeline.Models.Vision.Layers;
using TorchSharp;

namespace Pipeline.Models.Tests.Vision.Layers;

public sealed class PointwiseLinearTests
{
    [Fact]
    public void ConvShapedAndLinearShapedWeightsComputeTheLinearMap()
    {
        using var weight = torch.randn(6, 4);
        using var bias = torch.randn(6);
        using var linear = new PointwiseLinear(4, 6, convShape: false);
        using var conv = new PointwiseLinear(4, 6, convShape: true);
        StateDictLoader.LoadStrict(linear, new Dictionary<string, torch.Tensor> { ["weight"] = weight, ["bias"] = bias });
        using var weight4 = weight.reshape(6, 4, 1, 1);
        StateDictLoader.LoadStrict(conv, new Dictionary<string, torch.Tensor> { ["weight"] = weight4, ["bias"] = bias });

        using var nchw = torch.randn(2, 4, 3, 5);
        using var noGrad = torch.no_grad();
        using var channelsLast = nchw.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        using var a = linear.forward(channelsLast);
        using var b = conv.forward(nchw);
        using var reference = torch.nn.functional.linear(nchw.permute(0, 2, 3, 1), weight, bias).permute(0, 3, 1, 2);
        Assert.True(a.allclose(b, rtol: 1e-5, atol: 1e-5), "expected [out,in] and [out,in,1,1] weights to give the same result");
        Assert.True(a.allclose(reference, rtol: 1e-5, atol: 1e-5), "expected the result of a Linear over the channels");
    }
}
