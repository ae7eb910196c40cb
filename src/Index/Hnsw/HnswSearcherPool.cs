using System.Collections.Concurrent;
using Cloud.Unum.USearch;

namespace Pipeline.Index.Hnsw;

/// <summary>
/// Native USearch instances over one sub-graph, lent to searching threads. efSearch is a setting of the native
/// instance, not of a search call, so threads may share an instance only while they search at the same efSearch.
/// <list type="bullet">
/// <item>Over a saved file: each instance is lent to one thread at a time; the pool grows by opening more read-only
/// views of the same memory-mapped file (pages shared, a few MB of lookup tables each).</item>
/// <item>A freshly built graph has one in-memory instance with native search contexts for <c>capacity</c> threads
/// (reserved at build): up to that many threads search it at once at one efSearch; a thread asking for another
/// efSearch waits until the instance is idle and then changes it.</item>
/// </list>
/// </summary>
internal sealed class HnswSearcherPool : IDisposable
{
    private readonly ConcurrentBag<HnswSearcher> _idle = new();
    private readonly List<HnswSearcher> _all = new();
    private readonly SemaphoreSlim _slots;
    private readonly Func<USearchIndex>? _open;
    private readonly HnswSearcher? _shared; // the in-memory instance, when there is no file to open more from
    private int _sharedUsers;

    /// <param name="first">An instance ready to search; the pool owns it.</param>
    /// <param name="open">Opens one more instance over the same graph, or null when there can be only one.</param>
    /// <param name="capacity">Instances at most; when <paramref name="open"/> is null, threads sharing <paramref name="first"/>
    /// at most (it must have native search contexts for that many).</param>
    public HnswSearcherPool(USearchIndex first, Func<USearchIndex>? open, int capacity, long rows)
    {
        _open = open;
        Rows = rows;
        var searcher = new HnswSearcher(first);
        _all.Add(searcher);
        if (open is null) _shared = searcher;
        else _idle.Add(searcher);
        _slots = new SemaphoreSlim(Math.Max(1, capacity));
    }

    /// <summary>Vectors in this sub-graph (grows when held-back rows are added).</summary>
    public long Rows { get; set; }

    /// <summary>
    /// Waits for an instance set to efSearch <paramref name="expansion"/> (opening a new one while under capacity); give
    /// it back with <see cref="Return"/>.
    /// </summary>
    public HnswSearcher Rent(int expansion)
    {
        _slots.Wait();
        if (_shared is not null)
            return RentShared(expansion);
        if (_idle.TryTake(out var searcher))
        {
            searcher.SetExpansion(expansion);
            return searcher;
        }
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
        searcher.SetExpansion(expansion);
        return searcher;
    }

    private HnswSearcher RentShared(int expansion)
    {
        lock (_all)
        {
            while (_sharedUsers > 0 && _shared!.Expansion != expansion)
                Monitor.Wait(_all);
            if (_sharedUsers == 0)
                _shared!.SetExpansion(expansion);
            _sharedUsers++;
            return _shared!;
        }
    }

    public void Return(HnswSearcher searcher)
    {
        if (_shared is not null)
        {
            lock (_all)
            {
                if (--_sharedUsers == 0)
                    Monitor.PulseAll(_all);
            }
        }
        else
        {
            _idle.Add(searcher);
        }
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
