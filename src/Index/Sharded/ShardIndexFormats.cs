namespace Pipeline.Index.Sharded;

/// <summary>The index kinds this build knows, by name.</summary>
public static class ShardIndexFormats
{
    private static readonly IShardIndexFormat[] All = [new ExactShardFormat(), new HnswShardFormat()];

    public static IReadOnlyList<string> Kinds => [.. All.Select(f => f.Kind)];

    public static IShardIndexFormat For(string kind) =>
        All.FirstOrDefault(f => f.Kind == kind)
        ?? throw new ArgumentException($"index kind '{kind}' is not known: use {string.Join(" or ", Kinds)}.", nameof(kind));
}
