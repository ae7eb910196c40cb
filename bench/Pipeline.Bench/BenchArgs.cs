namespace Pipeline.Bench;

/// <summary>Command-line options of the benchmarks: <c>--name value</c>.</summary>
internal static class BenchArgs
{
    public static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
