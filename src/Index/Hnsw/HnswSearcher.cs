using Cloud.Unum.USearch;

namespace Pipeline.Index.Hnsw;

/// <summary>One native instance and the efSearch it is set to; used by one thread at a time (see <see cref="HnswSearcherPool"/>).</summary>
internal sealed class HnswSearcher
{
    private int _expansion;

    public HnswSearcher(USearchIndex index)
    {
        Index = index;
        _expansion = USearchNative.GetExpansionSearch(index);
    }

    public USearchIndex Index { get; }

    /// <summary>Searches <paramref name="query"/> (exactly the index dimension long) at efSearch <paramref name="expansion"/>.</summary>
    public int Search(float[] query, int k, int expansion, out ulong[] keys, out float[] distances)
    {
        if (expansion != _expansion)
        {
            USearchNative.SetExpansionSearch(Index, expansion);
            _expansion = expansion;
        }
        return Index.Search(query, k, out keys, out distances);
    }
}
