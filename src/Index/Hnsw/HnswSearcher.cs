using Cloud.Unum.USearch;

namespace Pipeline.Index.Hnsw;

/// <summary>One native instance and the efSearch it is set to; lent to threads by <see cref="HnswSearcherPool"/>.</summary>
internal sealed class HnswSearcher
{
    private int _expansion;

    public HnswSearcher(USearchIndex index)
    {
        Index = index;
        _expansion = USearchNative.GetExpansionSearch(index);
    }

    public USearchIndex Index { get; }

    /// <summary>efSearch the native instance is set to.</summary>
    public int Expansion => _expansion;

    /// <summary>Sets efSearch; only while no other thread searches this instance.</summary>
    public void SetExpansion(int expansion)
    {
        if (expansion == _expansion) return;
        USearchNative.SetExpansionSearch(Index, expansion);
        _expansion = expansion;
    }

    /// <summary>Searches <paramref name="query"/> (exactly the index dimension long) at the instance's efSearch.</summary>
    public int Search(float[] query, int k, out ulong[] keys, out float[] distances) => Index.Search(query, k, out keys, out distances);
}
