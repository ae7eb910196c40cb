using Pipeline.Models.Diffusion.Guidance;
using static TorchSharp.torch;
using F = Pipeline.Models.Tests.Diffusion.Schedulers.LcmFixture;

namespace Pipeline.Models.Tests.Diffusion.Guidance;

/// <summary><see cref="GuidanceScaleEmbedding"/> against diffusers' <c>get_guidance_scale_embedding</c> (<c>Fixtures/lcm/guidance_embedding</c>).</summary>
public sealed class GuidanceScaleEmbeddingTests
{
    private const string Case = "guidance_embedding";

    /// <summary>float32 sin/cos of arguments up to ~1e4: a few ulps of libm difference at most.</summary>
    private const double Tolerance = 1e-6;

    [Theory]
    [InlineData(24)]
    [InlineData(256)]
    [InlineData(33)]
    public void MatchesDiffusersForEveryW(int dim)
    {
        using var scope = NewDisposeScope();
        var expected = F.Expected(Case);
        var ws = F.Floats(expected["w"]);
        var table = expected[$"emb_dim{dim}"];
        Assert.True(table.shape[0] == ws.Length, $"emb_dim{dim}: expected {ws.Length} rows, seen {table.shape[0]}");
        for (int i = 0; i < ws.Length; i++)
        {
            var embedding = GuidanceScaleEmbedding.Create(ws[i], dim, 1);
            Assert.True(embedding.dtype == ScalarType.Float32, $"dtype: expected Float32, seen {embedding.dtype}");
            F.AssertClose(table[i].unsqueeze(0), embedding, $"w = {ws[i]}, dim {dim}", Tolerance);
        }
    }

    [Fact]
    public void RepeatsOverTheBatch()
    {
        using var scope = NewDisposeScope();
        var one = GuidanceScaleEmbedding.Create(7f, 256, 1);
        var batch = GuidanceScaleEmbedding.Create(7f, 256, 3);
        Assert.True(batch.shape.SequenceEqual(new long[] { 3, 256 }), $"shape: expected [3, 256], seen [{string.Join(", ", batch.shape)}]");
        for (int i = 0; i < 3; i++)
        {
            F.AssertClose(one, batch[i].unsqueeze(0), $"row {i}", 0);
        }
    }

    [Fact]
    public void OddDimensionEndsWithAZeroColumnAndStartsWithSine()
    {
        using var scope = NewDisposeScope();
        var embedding = GuidanceScaleEmbedding.Create(0f, 33, 2);
        // w = 0: sin half is 0, cos half is 1, the padding column 0.
        var expected = cat([zeros(2, 16), ones(2, 16), zeros(2, 1)], 1);
        F.AssertClose(expected, embedding, "w = 0, dim 33", 0);
    }

    [Theory]
    [InlineData(8f, 7f)]
    [InlineData(1f, 0f)]
    [InlineData(1.5f, 0.5f)]
    public void PipelineWIsGuidanceMinusOne(float guidance, float w) =>
        Assert.True(GuidanceScaleEmbedding.PipelineW(guidance) == w, $"PipelineW({guidance}): expected {w}, seen {GuidanceScaleEmbedding.PipelineW(guidance)}");

    [Theory]
    [InlineData(3, 1L)]
    [InlineData(24, 0L)]
    public void RefusesDegenerateArguments(int dim, long batch) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => GuidanceScaleEmbedding.Create(1f, dim, batch));
}
