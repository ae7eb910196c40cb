namespace Pipeline.Index.Eval;

/// <summary>Deterministic per-class split of item indices, shared by <see cref="LabelledSplit"/> and the linear probe.</summary>
internal static class StratifiedSplit
{
    /// <summary>
    /// Splits 0..labels.Count-1 into train and held-out indices, each ascending. Each class (in order of first
    /// appearance) is shuffled with one seeded <see cref="Random"/>; a class of n &gt;= 2 items holds out
    /// clamp(round(n * fraction), 1, n - 1) of them, a class of one item stays in train.
    /// </summary>
    public static (int[] Train, int[] HeldOut) Split<TLabel>(IReadOnlyList<TLabel> labels, double fraction, int seed)
        where TLabel : notnull
    {
        if (!(fraction > 0 && fraction < 1))
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "the held-out fraction must be greater than 0 and less than 1.");
        var byClass = new Dictionary<TLabel, List<int>>();
        var order = new List<List<int>>();
        for (int i = 0; i < labels.Count; i++)
        {
            if (!byClass.TryGetValue(labels[i], out var members))
            {
                byClass[labels[i]] = members = [];
                order.Add(members);
            }
            members.Add(i);
        }

        // System.Random with a seed runs the same (legacy, documented-stable) algorithm on every .NET version.
        var random = new Random(seed);
        var heldOut = new bool[labels.Count];
        foreach (var members in order)
        {
            int n = members.Count;
            if (n < 2)
                continue;
            var shuffled = members.ToArray();
            random.Shuffle(shuffled);
            int take = Math.Clamp((int)Math.Round(n * fraction, MidpointRounding.AwayFromZero), 1, n - 1);
            for (int i = 0; i < take; i++)
                heldOut[shuffled[i]] = true;
        }

        var train = new List<int>(labels.Count);
        var held = new List<int>();
        for (int i = 0; i < labels.Count; i++)
            (heldOut[i] ? held : train).Add(i);
        return (train.ToArray(), held.ToArray());
    }
}
