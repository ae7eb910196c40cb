namespace Pipeline.Grains.Embed;

/// <summary>
/// The size-grouping stage for images that enter the model at their own size: samples wait in one group per model
/// input size; a group is handed out when it holds a full batch, and, so that many distinct sizes cannot hold memory
/// without bound, the largest group (earliest first on ties) is handed out early once more than
/// <c>maxPending</c> samples wait. <see cref="Drain"/> hands out the rest at the end, in order of first appearance.
/// Not thread-safe: one shard's consumer uses it.
/// </summary>
public sealed class SizeGroupBatcher
{
    private readonly int batchSize;
    private readonly int maxPending;
    private readonly Dictionary<(int Height, int Width), List<(int Order, PreparedSample Sample)>> groups = [];
    private readonly List<(int Height, int Width)> firstSeen = [];
    private int pending;

    /// <summary>Groups of up to <paramref name="batchSize"/>; at most <paramref name="maxPending"/> samples wait (at least one batch).</summary>
    public SizeGroupBatcher(int batchSize, int maxPending)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        this.batchSize = batchSize;
        this.maxPending = Math.Max(maxPending, batchSize);
    }

    /// <summary>Samples waiting in all groups.</summary>
    public int Pending => pending;

    /// <summary>Adds a prepared sample at listing position <paramref name="order"/>; returns a group to run now, or null.</summary>
    public SizeGroup? Add(int order, PreparedSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (sample.Pixels is null || sample.InputHeight <= 0 || sample.InputWidth <= 0)
        {
            throw new ArgumentException($"{sample.ImagePath}: expected pixels with a model input size, seen {sample.InputHeight}x{sample.InputWidth}", nameof(sample));
        }
        var key = (sample.InputHeight, sample.InputWidth);
        if (!groups.TryGetValue(key, out var list))
        {
            list = new List<(int, PreparedSample)>(batchSize);
            groups[key] = list;
            firstSeen.Add(key);
        }
        list.Add((order, sample));
        pending++;
        if (list.Count == batchSize)
        {
            return Take(key);
        }
        if (pending > maxPending)
        {
            var largest = firstSeen[0];
            foreach (var k in firstSeen)
            {
                if (groups[k].Count > groups[largest].Count) largest = k;
            }
            return Take(largest);
        }
        return null;
    }

    /// <summary>Hands out every waiting group, in order of first appearance.</summary>
    public IReadOnlyList<SizeGroup> Drain()
    {
        var all = firstSeen.ToList().Select(Take).ToList();
        return all;
    }

    private SizeGroup Take((int Height, int Width) key)
    {
        var list = groups[key];
        groups.Remove(key);
        firstSeen.Remove(key);
        pending -= list.Count;
        return new SizeGroup(key.Height, key.Width, list);
    }
}
