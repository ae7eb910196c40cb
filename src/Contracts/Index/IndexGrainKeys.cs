namespace Pipeline.Contracts.Index;

/// <summary>Grain keys of the query service.</summary>
public static class IndexGrainKeys
{
    /// <summary>A shard grain's key: the index location, then '|', then the shard number ('|' appears in no location).</summary>
    public static string Shard(string indexLocation, int shard) => $"{indexLocation}|{shard}";

    public static (string IndexLocation, int Shard) ParseShard(string key)
    {
        int bar = key.LastIndexOf('|');
        return bar > 0 && int.TryParse(key.AsSpan(bar + 1), System.Globalization.CultureInfo.InvariantCulture, out int shard)
            ? (key[..bar], shard)
            : throw new ArgumentException($"'{key}' is not an index shard key.", nameof(key));
    }
}
