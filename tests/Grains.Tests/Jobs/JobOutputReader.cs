using Pipeline.Storage;
using Pipeline.Storage.Commit;

namespace Pipeline.Grains.Tests.Jobs;

/// <summary>Reads what a job wrote, as a downstream reader would: markers, metadata and failures per shard, the manifest.</summary>
public sealed class JobOutputReader(IObjectStore output)
{
    public IObjectStore Store => output;

    public static JobOutputReader Open(IObjectStoreFactory stores, string location) => new(stores.Open(StorageLocation.Parse(location)));

    public async Task<JobManifest> ManifestAsync() => OutputJson.Deserialize<JobManifest>(await output.ReadAllBytesAsync(OutputLayout.ManifestFile));

    public async Task<IReadOnlyList<string>> KeysAsync(string prefix = "")
    {
        var keys = new List<string>();
        await foreach (var entry in output.ListAsync(prefix)) keys.Add(entry.Key);
        return keys;
    }

    /// <summary>The shards with a commit marker, in shard order.</summary>
    public async Task<IReadOnlyList<ShardMarker>> MarkersAsync()
    {
        var markers = new List<ShardMarker>();
        foreach (var key in await KeysAsync(OutputLayout.MarkerFolder))
            if (key.EndsWith(".done.json", StringComparison.Ordinal))
                markers.Add(OutputJson.Deserialize<ShardMarker>(await output.ReadAllBytesAsync(key)));
        return [.. markers.OrderBy(m => m.Shard)];
    }

    public async Task<IReadOnlyList<EmbeddingMetadataRow>> MetadataAsync(int shard) =>
        await ParquetFiles.ReadAsync<EmbeddingMetadataRow>(new MemoryStream(await output.ReadAllBytesAsync(OutputLayout.Metadata(shard))));

    public async Task<IReadOnlyList<FailureRow>> FailuresAsync(int shard) =>
        await output.ReadAllBytesIfPresentAsync(OutputLayout.Failures(shard)) is { } bytes
            ? await ParquetFiles.ReadAsync<FailureRow>(new MemoryStream(bytes))
            : [];

    /// <summary>Every metadata row of every committed shard, in shard then row order.</summary>
    public async Task<IReadOnlyList<EmbeddingMetadataRow>> AllRowsAsync()
    {
        var rows = new List<EmbeddingMetadataRow>();
        foreach (var marker in await MarkersAsync()) rows.AddRange(await MetadataAsync(marker.Shard));
        return rows;
    }

    /// <summary>Every failure record of every committed shard, in shard order.</summary>
    public async Task<IReadOnlyList<(int Shard, FailureRow Failure)>> AllFailuresAsync()
    {
        var failures = new List<(int, FailureRow)>();
        foreach (var marker in await MarkersAsync())
            failures.AddRange((await FailuresAsync(marker.Shard)).Select(f => (marker.Shard, f)));
        return failures;
    }

    /// <summary>
    /// Every file of the output and its bytes, but for <c>_attempts/</c>: attempts in flight stage files there and
    /// remove them again at any moment, so they are no part of what a job leaves.
    /// </summary>
    public async Task<Dictionary<string, byte[]>> SnapshotAsync()
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var key in await KeysAsync())
            if (!key.StartsWith(OutputLayout.AttemptsFolder, StringComparison.Ordinal)) files[key] = await output.ReadAllBytesAsync(key);
        return files;
    }

    /// <summary>Fails with the first difference between two snapshots.</summary>
    public static void AssertSame(Dictionary<string, byte[]> before, Dictionary<string, byte[]> after, string when)
    {
        Assert.True(before.Keys.Order().SequenceEqual(after.Keys.Order()),
            $"{when}: expected the files [{string.Join(", ", before.Keys.Order())}], saw [{string.Join(", ", after.Keys.Order())}]");
        foreach (var (key, bytes) in before)
            Assert.True(bytes.AsSpan().SequenceEqual(after[key]), $"{when}: {key} changed ({bytes.Length} -> {after[key].Length} bytes)");
    }

    /// <summary>Fails unless every image appears in exactly one row.</summary>
    public static void AssertOneRowEach(IEnumerable<string> expected, IReadOnlyList<EmbeddingMetadataRow> rows)
    {
        var counts = rows.GroupBy(r => r.ImagePath).ToDictionary(g => g.Key, g => g.Count());
        var wrong = expected.Where(p => counts.GetValueOrDefault(p) != 1).Select(p => $"{p} x{counts.GetValueOrDefault(p)}")
            .Concat(counts.Keys.Except(expected).Select(p => $"{p} (unexpected) x{counts[p]}")).ToList();
        Assert.True(wrong.Count == 0, $"expected exactly one row per image; wrong: {string.Join(", ", wrong)}");
    }
}
