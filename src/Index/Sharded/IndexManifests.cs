using System.Text.Json;
using Pipeline.Storage;
using Pipeline.Storage.Commit;

namespace Pipeline.Index.Sharded;

/// <summary>Reads <c>index.json</c> with errors that say what the folder is instead.</summary>
public static class IndexManifests
{
    /// <exception cref="InvalidDataException">No index.json (not an index, or its build has not finished), or an unreadable one.</exception>
    public static async Task<IndexManifest> ReadAsync(IObjectStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        byte[]? bytes = await store.ReadAllBytesIfPresentAsync(IndexLayout.ManifestFile, cancellationToken);
        if (bytes is null)
        {
            bool building = await store.ExistsAsync(OutputLayout.JobFile, cancellationToken);
            throw new InvalidDataException(building
                ? $"{store.Location} has no {IndexLayout.ManifestFile} yet: its index job has not finished, or a shard failed (see 'pipeline status' or its manifest.json)."
                : $"{store.Location} is not an index: it has no {IndexLayout.ManifestFile} (build one with 'pipeline index --embeddings <embed output>').");
        }
        IndexManifest manifest;
        try
        {
            manifest = OutputJson.Deserialize<IndexManifest>(bytes);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{store.Location}/{IndexLayout.ManifestFile} is corrupt: {e.Message}", e);
        }
        if (manifest.Format != IndexManifest.CurrentFormat)
            throw new InvalidDataException($"{store.Location}/{IndexLayout.ManifestFile} has format {manifest.Format}; this build reads format {IndexManifest.CurrentFormat}.");
        if (manifest.Shards.Count == 0)
            throw new InvalidDataException($"{store.Location}/{IndexLayout.ManifestFile} lists no shards.");
        return manifest;
    }
}
