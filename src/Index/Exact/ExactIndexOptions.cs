namespace Pipeline.Index.Exact;

/// <summary>Build and search settings of an <see cref="ExactIndex"/>.</summary>
public sealed record ExactIndexOptions
{
    public const long DefaultMemoryBudgetBytes = 1L << 30;

    public IndexMetric Metric { get; init; } = IndexMetric.Cosine;

    public IndexStorage Storage { get; init; } = IndexStorage.Float32;

    /// <summary>
    /// Bytes a search may use for its working set (float32 score block, float32 copy of a float16 block), not counting
    /// the stored rows. The number of database rows per block follows from it and the number of queries.
    /// </summary>
    public long MemoryBudgetBytes { get; init; } = DefaultMemoryBudgetBytes;

    /// <summary>Database rows per block; overrides <see cref="MemoryBudgetBytes"/> when set (tests, tuning).</summary>
    public int? BlockRows { get; init; }

    /// <summary>Search with libtorch's product and top-k even where OpenBLAS is loaded (tests of that path).</summary>
    internal bool TorchProduct { get; init; }
}
