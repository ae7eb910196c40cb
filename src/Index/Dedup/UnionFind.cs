namespace Pipeline.Index.Dedup;

/// <summary>
/// Disjoint sets over 0..n-1 with path compression (halving) and union by size, so a sequence of m operations costs
/// O(m α(n)). Hand-written: it is a dozen lines and no maintained .NET package provides one.
/// </summary>
internal sealed class UnionFind
{
    private readonly int[] _parent;
    private readonly int[] _size;

    /// <summary>Creates <paramref name="count"/> singleton sets.</summary>
    public UnionFind(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _parent = new int[count];
        _size = new int[count];
        for (int i = 0; i < count; i++)
        {
            _parent[i] = i;
            _size[i] = 1;
        }
        Sets = count;
    }

    /// <summary>Elements, 0..Count-1.</summary>
    public int Count => _parent.Length;

    /// <summary>Number of disjoint sets.</summary>
    public int Sets { get; private set; }

    /// <summary>The representative of the set holding <paramref name="x"/>.</summary>
    public int Find(int x)
    {
        while (_parent[x] != x)
        {
            _parent[x] = _parent[_parent[x]];
            x = _parent[x];
        }
        return x;
    }

    /// <summary>Merges the sets of <paramref name="a"/> and <paramref name="b"/>; false when they were already one.</summary>
    public bool Union(int a, int b)
    {
        int ra = Find(a), rb = Find(b);
        if (ra == rb)
            return false;
        if (_size[ra] < _size[rb])
            (ra, rb) = (rb, ra);
        _parent[rb] = ra;
        _size[ra] += _size[rb];
        Sets--;
        return true;
    }

    /// <summary>Size of the set holding <paramref name="x"/>.</summary>
    public int SizeOf(int x) => _size[Find(x)];
}
