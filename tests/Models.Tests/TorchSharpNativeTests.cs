using TorchSharp;

namespace Pipeline.Models.Tests;

public sealed class TorchSharpNativeTests
{
    [Fact]
    public void LibTorchLoadsAndMultipliesMatrices()
    {
        using var a = torch.tensor(new float[] { 1, 2, 3, 4 }, new long[] { 2, 2 });
        using var b = torch.eye(2);
        using var c = torch.matmul(a, b);
        Assert.Equal(new float[] { 1, 2, 3, 4 }, c.data<float>().ToArray());
    }
}
