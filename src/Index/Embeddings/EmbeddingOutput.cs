using Pipeline.Storage;
using Pipeline.Storage.Commit;

namespace Pipeline.Index.Embeddings;

/// <summary>
/// The committed output of a finished embed job (DESIGN.md layout), read back through its <c>manifest.json</c>: only
/// shards with a marker count, in shard order. Every read checks what it finds against the manifest and names the
/// shard file when something is off.
/// </summary>
public sealed class EmbeddingOutput
{
    private EmbeddingOutput(IObjectStore store, JobManifest manifest, JobRecord? record)
    {
        Store = store;
        Manifest = manifest;
        Record = record;
    }

    public IObjectStore Store { get; }

    public JobManifest Manifest { get; }

    /// <summary>The embed job's <c>job.json</c> (model, weights), when present.</summary>
    public JobRecord? Record { get; }

    /// <summary>The embedding dimension every shard must have; null when no shard has rows.</summary>
    public int? Dimension => Manifest.EmbeddingDim;

    /// <summary>The committed shards, in shard order.</summary>
    public IReadOnlyList<ShardMarker> Shards => [.. Manifest.Shards.OrderBy(s => s.Shard)];

    /// <summary>Opens the output; refuses one without a manifest (the embed job has not finished) or of another kind.</summary>
    /// <exception cref="InvalidDataException">No <c>manifest.json</c>, not an embed job's, or unreadable.</exception>
    public static async Task<EmbeddingOutput> OpenAsync(IObjectStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        JobManifest? manifest;
        try
        {
            manifest = await OutputJson.ReadIfPresentAsync<JobManifest>(store, OutputLayout.ManifestFile, cancellationToken);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"{Where(store, OutputLayout.ManifestFile)} is not a readable manifest: {e.Message}", e);
        }
        if (manifest is null)
            throw new InvalidDataException(
                $"{store.Location} has no {OutputLayout.ManifestFile}: it is not the output of a finished embed job (wait for the job to finish, or run 'pipeline retry').");
        if (manifest.Kind is { } kind && kind != "embed")
            throw new InvalidDataException($"{store.Location} is the output of a '{kind}' job, not of an embed job.");
        JobRecord? record = null;
        try
        {
            record = await OutputJson.ReadIfPresentAsync<JobRecord>(store, OutputLayout.JobFile, cancellationToken);
        }
        catch (System.Text.Json.JsonException)
        {
            // job.json only names the model; an index can be built without it.
        }
        return new EmbeddingOutput(store, manifest, record);
    }

    /// <summary>
    /// One shard's embeddings (float32, row-major [rows, dimension]) and metadata rows, aligned.
    /// </summary>
    /// <exception cref="InvalidDataException">A missing or corrupt file, a dimension other than the manifest's, or metadata not aligned with the rows; the message names the file.</exception>
    public async Task<EmbeddingShard> ReadShardAsync(ShardMarker marker, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(marker);
        var npyKey = OutputLayout.Embeddings(marker.Shard);
        var metadataKey = OutputLayout.Metadata(marker.Shard);
        float[] data;
        int[] shape;
        try
        {
            using var npy = new MemoryStream(await Store.ReadAllBytesAsync(npyKey, cancellationToken), writable: false);
            (data, shape, _) = NpyReader.Read(npy);
        }
        catch (FileNotFoundException e)
        {
            throw new InvalidDataException($"{Where(Store, npyKey)} is missing although shard {marker.Shard} is committed: {e.Message}", e);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new InvalidDataException($"{Where(Store, npyKey)} is not a readable .npy file: {e.Message}", e);
        }
        if (shape.Length != 2)
            throw new InvalidDataException($"{Where(Store, npyKey)} has shape [{string.Join(", ", shape)}]: an embedding shard is a [rows, dimension] matrix.");
        int rows = shape[0], dimension = shape[1];
        if (rows != marker.Rows)
            throw new InvalidDataException($"{Where(Store, npyKey)} has {rows} rows, its commit marker says {marker.Rows}.");
        if (rows > 0 && Dimension is { } expected && dimension != expected)
            throw new InvalidDataException($"{Where(Store, npyKey)} has dimension {dimension}, the job's other shards {expected}: the shards do not come from one model.");

        IReadOnlyList<EmbeddingMetadataRow> metadata;
        try
        {
            using var parquet = new MemoryStream(await Store.ReadAllBytesAsync(metadataKey, cancellationToken), writable: false);
            metadata = await ParquetFiles.ReadAsync<EmbeddingMetadataRow>(parquet, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or IOException or InvalidDataException or NotSupportedException or InvalidOperationException)
        {
            throw new InvalidDataException($"{Where(Store, metadataKey)} cannot be read: {e.Message}", e);
        }
        if (metadata.Count != rows)
            throw new InvalidDataException($"{Where(Store, metadataKey)} has {metadata.Count} rows, {npyKey} {rows}: metadata and embeddings are not aligned.");
        return new EmbeddingShard(marker.Shard, rows, dimension, data, metadata);
    }

    private static string Where(IObjectStore store, string key) => $"{store.Location}/{key}";
}
