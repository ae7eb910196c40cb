using Pipeline.Models.Checkpoints;
using Pipeline.Models.Vision.Layers;
using TorchSharp;

namespace Pipeline.Models.Tests.Vision.Layers;

public sealed class TimmConv2dTests
{
    [Theory]
    [InlineData(true, 2, 16, new long[] { 0, 1, 0, 1 })]  // TF SAME, even input: the one extra pixel goes after
    [InlineData(true, 2, 15, new long[] { 1, 1, 1, 1 })]  // TF SAME, odd input: 2 pixels split evenly
    [InlineData(true, 1, 16, new long[] { 1, 1, 1, 1 })]  // TF SAME, stride 1: static (k - 1) / 2
    [InlineData(false, 2, 16, new long[] { 1, 1, 1, 1 })] // PyTorch style: ((s - 1) + (k - 1)) / 2 = 1
    public void PadsLikeTimm(bool tfSame, long stride, long size, long[] pads)
    {
        using var conv = TimmConv2d.Create(4, 6, 3, stride, tfSame: tfSame);
        using var weight = torch.randn(6, 4, 3, 3);
        StateDictLoader.LoadStrict(conv, new Dictionary<string, torch.Tensor> { ["weight"] = weight });
        using var x = torch.randn(2, 4, size, size);
        using var noGrad = torch.no_grad();
        using var y = conv.forward(x);
        using var padded = torch.nn.functional.pad(x, pads);
        using var expected = torch.nn.functional.conv2d(padded, weight, null, [stride, stride]);
        Assert.Equal(expected.shape, y.shape);
        Assert.True(y.allclose(expected, rtol: 1e-5, atol: 1e-5),
            $"expected the convolution of the input padded (left, right, top, bottom) = ({string.Join(", ", pads)})");
    }
}
