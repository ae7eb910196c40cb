using System.Globalization;

namespace Pipeline.Client.Commands;

/// <summary>Sizes as people type them: <c>8GB</c>, <c>512MB</c>, <c>1.5GiB</c>, <c>1048576</c>. KB/MB/GB/TB are powers of 1024, like autofaiss' budgets.</summary>
public static class ByteSizes
{
    private static readonly (string Suffix, long Factor)[] Units =
    [
        ("TIB", 1L << 40), ("GIB", 1L << 30), ("MIB", 1L << 20), ("KIB", 1L << 10),
        ("TB", 1L << 40), ("GB", 1L << 30), ("MB", 1L << 20), ("KB", 1L << 10),
        ("T", 1L << 40), ("G", 1L << 30), ("M", 1L << 20), ("K", 1L << 10), ("B", 1),
    ];

    /// <exception cref="ArgumentException">Not a size; the message shows what is.</exception>
    public static long Parse(string text, string option)
    {
        var trimmed = text.Trim().ToUpperInvariant();
        var (suffix, factor) = Units.FirstOrDefault(u => trimmed.EndsWith(u.Suffix, StringComparison.Ordinal));
        var number = suffix is null ? trimmed : trimmed[..^suffix.Length].Trim();
        if (suffix is null) factor = 1;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value <= 0 || value * factor > long.MaxValue)
            throw new ArgumentException($"{option} '{text}' is not a size: write it like 8GB, 512MB or 1073741824.");
        return (long)(value * factor);
    }
}
