namespace Pipeline.Storage.Commit;

/// <summary>Reads shard markers.</summary>
public static class ShardMarkers
{
    /// <summary>The done marker of <paramref name="shard"/>, or null when the shard is not committed.</summary>
    public static Task<ShardMarker?> ReadAsync(IObjectStore output, int shard, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        return OutputJson.ReadIfPresentAsync<ShardMarker>(output, OutputLayout.Marker(shard), cancellationToken);
    }
}
