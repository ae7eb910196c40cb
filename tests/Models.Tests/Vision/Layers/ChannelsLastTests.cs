using Pipeline.Models.Vision.Layers;
using TorchSharp;

namespace Pipeline.Models.Tests.Vision.Layers;

public sealed class ChannelsLastTests
{
    [Fact]
    public void KeepsValuesAndShapeWithNhwcStrides()
    {
        using var nchw = torch.randn(2, 3, 4, 5);
        Assert.False(ChannelsLast.Is(nchw));
        using var cl = ChannelsLast.From(nchw);
        Assert.True(ChannelsLast.Is(cl), $"expected NHWC strides, seen [{string.Join(", ", cl.stride())}]");
        Assert.Equal(nchw.shape, cl.shape);
        Assert.True(cl.allclose(nchw, rtol: 0, atol: 0), "expected the same values");
        using var again = ChannelsLast.From(cl);
        Assert.Equal(cl.stride(), again.stride());
    }

    [Fact]
    public void ConvolutionsKeepTheFormat()
    {
        using var cl = ChannelsLast.From(torch.randn(1, 8, 9, 9));
        using var conv = new Conv2dSame(8, 8, 3, stride: 2, groups: 8);
        using var noGrad = torch.no_grad();
        using var y = conv.forward(cl);
        Assert.Equal([1L, 8L, 5L, 5L], y.shape);
        Assert.True(ChannelsLast.Is(y), $"expected the strided convolution to keep NHWC strides, seen [{string.Join(", ", y.stride())}]");
    }
}
