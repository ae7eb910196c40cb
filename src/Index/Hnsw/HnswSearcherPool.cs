using System.Collections.Concurrent;
using Cloud.Unum.USearch;

namespace Pipeline.Index.Hnsw;

/// <summary>
/// Native USearch instances over one sub-graph, each lent to one thread at a time. The binding's search is not
/// thread-safe (the native index keeps a fixed number of per-thread search contexts and the binding picks none), so
/// every search runs on an instance nobody else holds. A pool over a saved file grows by opening more read-only views
/// of the same memory-mapped file (pages shared, a few MB of lookup tables each); a freshly built pool has just its
/// one in-memory instance, and concurrent callers wait for it.
/// </summary>
internal sealed class HnswSearcherPool : IDisposable
{
    private readonly ConcurrentBag<HnswSearcher> _idle = new();
    private readonly List<HnswSearcher> _all = new();
    private readonly SemaphoreSlim _slots;
    private readonly Func<USearchIndex>? _open;

    /// <param name="first">An instance ready to search; the pool owns it.</param>
    /// <param name="open">Opens one more instance over the same graph, or null when there can be only one.</param>
    /// <param name="capacity">Instances at most (ignored, 1, when <paramref name="open"/> is null).</param>
    public HnswSearcherPool(USearchIndex first, Func<USearchIndex>? open, int capacity, long rows)
    {
        _open = open;
        Rows = rows;
        var searcher = new HnswSearcher(first);
        _all.Add(searcher);
        _idle.Add(searcher);
        _slots = new SemaphoreSlim(open is null ? 1 : Math.Max(1, capacity));
    }

    /// <summary>Vectors in this sub-graph.</summary>
    public long Rows { get; }

    /// <summary>Waits for a free instance (opening a new one while under capacity); give it back with <see cref="Return"/>.</summary>
    public HnswSearcher Rent()
    {
        _slots.Wait();
        if (_idle.TryTake(out var searcher))
            return searcher;
        try
        {
            searcher = new HnswSearcher(_open!());
        }
        catch
        {
            _slots.Release();
            throw;
        }
        lock (_all)
            _all.Add(searcher);
        return searcher;
    }

    public void Return(HnswSearcher searcher)
    {
        _idle.Add(searcher);
        _slots.Release();
    }

    /// <summary>Instances opened so far (tests).</summary>
    public int InstanceCount
    {
        get { lock (_all) return _all.Count; }
    }

    public void Dispose()
    {
        lock (_all)
        {
            foreach (var searcher in _all)
                searcher.Index.Dispose();
            _all.Clear();
        }
        _slots.Dispose();
    }
}
