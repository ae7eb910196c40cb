using System.Globalization;

namespace Pipeline.Index.Eval;

/// <summary>
/// The class labels of an evaluation set and their dense indices 0..Count-1, as the classifiers take them. Labels are
/// ordered numerically when every label is an integer ("2" before "10"), otherwise by ordinal string order.
/// </summary>
public sealed class LabelClasses
{
    private readonly Dictionary<string, int> _index;

    private LabelClasses(string[] names)
    {
        Names = names;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
            _index[names[i]] = i;
    }

    /// <summary>The labels; class i is <c>Names[i]</c>.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Number of classes.</summary>
    public int Count => Names.Count;

    /// <summary>The classes of every label in <paramref name="items"/>.</summary>
    public static LabelClasses From(IEnumerable<LabelledImage> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var labels = items.Select(i => i.Label).Distinct(StringComparer.Ordinal).ToArray();
        bool numeric = labels.All(l => long.TryParse(l, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _));
        Array.Sort(labels, numeric ? CompareNumerically : string.CompareOrdinal);
        return new LabelClasses(labels);
    }

    /// <summary>By value, then (for "7" and "07") by string.</summary>
    private static int CompareNumerically(string a, string b)
    {
        int byValue = long.Parse(a, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
            .CompareTo(long.Parse(b, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        return byValue != 0 ? byValue : string.CompareOrdinal(a, b);
    }

    /// <summary>The index of <paramref name="label"/>.</summary>
    /// <exception cref="KeyNotFoundException">The label is not one of the classes.</exception>
    public int IndexOf(string label) =>
        _index.TryGetValue(label, out int i) ? i : throw new KeyNotFoundException($"'{label}' is not one of the {Count} classes.");

    /// <summary>The class index of each of <paramref name="items"/>, in order.</summary>
    public int[] IndicesOf(IReadOnlyList<LabelledImage> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return [.. items.Select(i => IndexOf(i.Label))];
    }
}
