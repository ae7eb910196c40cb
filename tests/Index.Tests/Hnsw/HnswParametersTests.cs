using Pipeline.Index.Exact;
using Pipeline.Index.Hnsw;

namespace Pipeline.Index.Tests.Hnsw;

public sealed class HnswParametersTests
{
    [Fact]
    public void A_large_budget_gets_the_largest_connectivity()
    {
        var chosen = HnswParameters.Choose(100_000, 384, IndexStorage.Float16, 1L << 40);

        Assert.Equal(new HnswParameters(HnswParameters.ConnectivityLadder[0], HnswParameters.DefaultExpansionAdd, HnswParameters.DefaultExpansionSearch), chosen);
    }

    [Fact]
    public void The_largest_connectivity_that_fits_wins()
    {
        // Exactly the estimate at 16: 24 does not fit, 16 does.
        long budget = HnswParameters.EstimateBytes(1_000_000, 384, IndexStorage.Float32, 16);

        var chosen = HnswParameters.Choose(1_000_000, 384, IndexStorage.Float32, budget);

        Assert.Equal(16, chosen.Connectivity);
        Assert.True(HnswParameters.EstimateBytes(1_000_000, 384, IndexStorage.Float32, 24) > budget);
    }

    [Fact]
    public void Float16_halves_the_vector_part_of_the_estimate()
    {
        long f32 = HnswParameters.EstimateBytes(1000, 384, IndexStorage.Float32, 16);
        long f16 = HnswParameters.EstimateBytes(1000, 384, IndexStorage.Float16, 16);

        Assert.Equal(1000L * 384 * 2, f32 - f16);
    }

    [Fact]
    public void A_budget_too_small_for_the_smallest_connectivity_is_refused_with_the_sizes()
    {
        var e = Assert.Throws<ArgumentException>(() => HnswParameters.Choose(1_000_000, 384, IndexStorage.Float16, 100L << 20));

        Assert.Contains("1,000,000 x 384", e.Message, StringComparison.Ordinal);
        Assert.Contains("connectivity 8", e.Message, StringComparison.Ordinal);
        Assert.Contains("100.0 MiB", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explicit_overrides_are_a_with_expression()
    {
        var chosen = HnswParameters.Choose(10_000, 64, IndexStorage.Float32, 1L << 30) with { ExpansionSearch = 300 };

        Assert.Equal(300, chosen.ExpansionSearch);
        Assert.Equal(HnswParameters.DefaultExpansionAdd, chosen.ExpansionAdd);
    }
}
