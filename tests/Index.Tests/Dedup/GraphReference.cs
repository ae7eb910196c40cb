namespace Pipeline.Index.Tests.Dedup;

/// <summary>Independent connected components by breadth-first search over adjacency lists.</summary>
internal static class GraphReference
{
    /// <summary>For every node, the smallest node of its component.</summary>
    public static int[] ComponentMinima(int nodes, IEnumerable<(int A, int B)> edges)
    {
        var adjacent = Enumerable.Range(0, nodes).Select(_ => new List<int>()).ToArray();
        foreach (var (a, b) in edges)
        {
            adjacent[a].Add(b);
            adjacent[b].Add(a);
        }
        var minimum = Enumerable.Repeat(-1, nodes).ToArray();
        for (int start = 0; start < nodes; start++)
        {
            if (minimum[start] >= 0)
                continue;
            // start is the smallest unvisited node, so the smallest of its component.
            var queue = new Queue<int>([start]);
            minimum[start] = start;
            while (queue.TryDequeue(out int v))
            {
                foreach (int w in adjacent[v])
                {
                    if (minimum[w] < 0)
                    {
                        minimum[w] = start;
                        queue.Enqueue(w);
                    }
                }
            }
        }
        return minimum;
    }
}
