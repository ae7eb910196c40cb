using System.Globalization;
using Pipeline.Index.Exact;

namespace Pipeline.Index.Hnsw;

/// <summary>
/// Graph settings of an <see cref="HnswShardIndex"/>: USearch's connectivity (HNSW's M: neighbours per node on the
/// upper levels, twice that on the base level), the candidate list kept while inserting (efConstruction) and the one
/// kept while searching (efSearch). Use <see cref="Choose"/> for defaults, a <c>with</c> expression to override one.
/// </summary>
/// <param name="Connectivity">Neighbours per node (M), at least 2.</param>
/// <param name="ExpansionAdd">Candidates kept while inserting (efConstruction), at least 1.</param>
/// <param name="ExpansionSearch">Candidates kept while searching (efSearch), at least 1; raised to k when smaller.</param>
public sealed record HnswParameters(int Connectivity, int ExpansionAdd, int ExpansionSearch)
{
    /// <summary>
    /// Connectivities <see cref="Choose"/> tries, largest first. Capped at 32: above it build time grows about linearly
    /// with M while recall on 384-d embeddings barely moves (autofaiss' ladder also stops at 32 for flat HNSW).
    /// </summary>
    public static IReadOnlyList<int> ConnectivityLadder { get; } = [32, 24, 16, 12, 8];

    /// <summary>efConstruction of the chosen defaults.</summary>
    public const int DefaultExpansionAdd = 128;

    /// <summary>efSearch of the chosen defaults: reaches recall@10 of 0.95 on a 100k x 384 Gaussian mixture.</summary>
    public const int DefaultExpansionSearch = 128;

    /// <summary>Fixed bytes per node besides vector and links: key, level, node and key-lookup tables (USearch).</summary>
    internal const int NodeOverheadBytes = 64;

    /// <summary>
    /// Picks parameters the way autofaiss picks HNSW's M: the estimated index size is rows x (vector bytes + links),
    /// and the largest connectivity of <see cref="ConnectivityLadder"/> whose estimate fits
    /// <paramref name="memoryBudgetBytes"/> wins. Fails, naming the sizes, when even the smallest does not fit.
    /// </summary>
    /// <exception cref="ArgumentException">Even connectivity 8 does not fit the budget.</exception>
    public static HnswParameters Choose(long rows, int dimension, IndexStorage storage, long memoryBudgetBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(memoryBudgetBytes, 1);
        foreach (int m in ConnectivityLadder)
        {
            if (EstimateBytes(rows, dimension, storage, m) <= memoryBudgetBytes)
                return new HnswParameters(m, DefaultExpansionAdd, DefaultExpansionSearch);
        }
        int smallest = ConnectivityLadder[^1];
        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
            $"an HNSW index of {rows:N0} x {dimension} {storage} rows needs about {EstimateBytes(rows, dimension, storage, smallest) / 1048576.0:F1} MiB " +
            $"even at connectivity {smallest}, more than the budget of {memoryBudgetBytes / 1048576.0:F1} MiB: raise the budget or split the shard."),
            nameof(memoryBudgetBytes));
    }

    /// <summary>
    /// Estimated resident bytes of the index: per row the stored vector, 2 x <paramref name="connectivity"/> base-level
    /// links and about as many upper-level links in total (4-byte slots each, like faiss' 8 x M per row), plus
    /// <see cref="NodeOverheadBytes"/>.
    /// </summary>
    public static long EstimateBytes(long rows, int dimension, IndexStorage storage, int connectivity)
    {
        long vectorBytes = (long)dimension * (storage == IndexStorage.Float16 ? 2 : 4);
        return checked(rows * (vectorBytes + 8L * connectivity + NodeOverheadBytes));
    }

    /// <summary>Throws when a value is out of range.</summary>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Connectivity, 2, nameof(Connectivity));
        ArgumentOutOfRangeException.ThrowIfLessThan(ExpansionAdd, 1, nameof(ExpansionAdd));
        ArgumentOutOfRangeException.ThrowIfLessThan(ExpansionSearch, 1, nameof(ExpansionSearch));
    }
}
