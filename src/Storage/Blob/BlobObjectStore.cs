using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Polly;
using Polly.Registry;

namespace Pipeline.Storage;

/// <summary>
/// <see cref="IObjectStore"/> over one Azure Blob container and prefix. Every call runs in the named
/// <see cref="StorageResilience.BlobRead"/> or <see cref="StorageResilience.BlobWrite"/> pipeline. Writes create the
/// container when it is missing. Uploads are single-shot or block-list commits, so readers never see a partial blob.
/// </summary>
public sealed class BlobObjectStore : IObjectStore
{
    private readonly BlobContainerClient container;
    private readonly ResiliencePipeline read;
    private readonly ResiliencePipeline write;
    private readonly string rootSlash;
    private bool serverSideCopy = true;

    /// <summary>Opens a store on <paramref name="location"/>'s prefix inside <paramref name="container"/>.</summary>
    public BlobObjectStore(BlobContainerClient container, StorageLocation location, ResiliencePipelineProvider<string> pipelines)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(pipelines);
        if (location.Kind != StorageKind.AzureBlob)
        {
            throw new ArgumentException($"'{location}' is not a blob location.", nameof(location));
        }

        this.container = container;
        Location = location;
        rootSlash = location.Prefix.Length == 0 ? "" : location.Prefix + "/";
        read = pipelines.GetPipeline(StorageResilience.BlobRead);
        write = pipelines.GetPipeline(StorageResilience.BlobWrite);
    }

    /// <inheritdoc />
    public StorageLocation Location { get; }

    /// <summary>
    /// Whether <see cref="CopyAsync"/> tries a server-side copy first; it turns itself off when the service refuses one.
    /// Tests turn it off to run the download + upload fallback.
    /// </summary>
    internal bool ServerSideCopy
    {
        get => Volatile.Read(ref serverSideCopy);
        init => serverSideCopy = value;
    }

    /// <summary>Blobs asked for per listing request (the service's maximum is 5000).</summary>
    public int PageSize { get; init; } = 5000;

    /// <inheritdoc />
    /// <remarks>The service returns names in sorted order; pages are fetched one at a time, each in the read pipeline.</remarks>
    public async IAsyncEnumerable<ObjectEntry> ListAsync(
        string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectKeys.ValidatePrefix(prefix);
        var options = new GetBlobsOptions { Prefix = rootSlash + prefix };
        string? continuation = null;
        do
        {
            Page<BlobItem>? page;
            try
            {
                var token = continuation;
                page = await read.ExecuteAsync(async ct => await FirstPageAsync(options, token, ct), cancellationToken);
            }
            catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
                page = null;
            }

            if (page is null)
            {
                yield break;
            }

            foreach (var item in page.Values)
            {
                yield return new ObjectEntry(item.Name[rootSlash.Length..], item.Properties.ContentLength ?? 0);
            }

            continuation = page.ContinuationToken;
        }
        while (!string.IsNullOrEmpty(continuation));
    }

    /// <inheritdoc />
    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default)
    {
        var blob = Blob(key);
        return await read.ExecuteAsync(async ct => (await blob.ExistsAsync(ct)).Value, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The pipeline covers the request and its headers; the body then streams from the connection, and a connection
    /// lost mid-body surfaces to the reader as an <see cref="IOException"/>. Use <see cref="ReadAllBytesAsync"/> when
    /// the whole object should be retried.
    /// </remarks>
    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var blob = Blob(key);
        try
        {
            var result = await read.ExecuteAsync(
                async ct => (await blob.DownloadStreamingAsync(cancellationToken: ct)).Value, cancellationToken);
            return result.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw NotFound(key, e);
        }
    }

    /// <inheritdoc />
    public async Task<byte[]> ReadAllBytesAsync(string key, CancellationToken cancellationToken = default)
    {
        var blob = Blob(key);
        try
        {
            return await read.ExecuteAsync(
                async ct => (await blob.DownloadContentAsync(ct)).Value.Content.ToArray(), cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw NotFound(key, e);
        }
    }

    /// <inheritdoc />
    /// <remarks>A non-seekable stream is first buffered in memory so that every retry can send it again.</remarks>
    public async Task WriteAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var blob = Blob(key);
        if (!content.CanSeek)
        {
            var buffer = new MemoryStream();
            await content.CopyToAsync(buffer, cancellationToken);
            buffer.Position = 0;
            content = buffer;
        }

        var start = content.Position;
        await WithContainerAsync(
            async ct =>
            {
                content.Position = start;
                await blob.UploadAsync(content, new BlobUploadOptions(), ct);
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task WriteAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var blob = Blob(key);
        var data = BinaryData.FromBytes(content);
        await WithContainerAsync(
            async ct =>
            {
                await blob.UploadAsync(data, new BlobUploadOptions(), ct);
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// When an attempt was retried and the service then reports that the blob exists, the lost answer may have been
    /// our own success: if the stored bytes equal <paramref name="content"/> this returns true.
    /// </remarks>
    public async Task<bool> TryCreateAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var blob = Blob(key);
        var data = BinaryData.FromBytes(content);
        var attempts = 0;
        try
        {
            return await WithContainerAsync(
                async ct =>
                {
                    Interlocked.Increment(ref attempts);
                    var conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
                    await blob.UploadAsync(data, new BlobUploadOptions { Conditions = conditions }, ct);
                    return true;
                },
                cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return attempts > 1 && (await ReadAllBytesAsync(key, cancellationToken)).AsSpan().SequenceEqual(content.Span);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// A server-side copy inside the container (<c>Copy Blob</c>, awaited until it completes) in the write pipeline;
    /// the destination blob is replaced when the copy commits. When the service refuses a server-side copy (401/403,
    /// e.g. with token credentials that may not authorise the source, or <c>CannotVerifyCopySource</c>) the store
    /// falls back to download + upload, and keeps doing so for later copies.
    /// </remarks>
    public async Task CopyAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken = default)
    {
        var source = Blob(sourceKey);
        var destination = Blob(destinationKey);
        if (ServerSideCopy)
        {
            try
            {
                await write.ExecuteAsync(async ct => await ServerSideCopyAsync(source, destination, ct), cancellationToken);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 401 or 403 || e.ErrorCode == BlobErrorCode.CannotVerifyCopySource)
            {
                Volatile.Write(ref serverSideCopy, false);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                throw NotFound(sourceKey, e);
            }
        }

        var content = await ReadAllBytesAsync(sourceKey, cancellationToken);
        await WriteAsync(destinationKey, content, cancellationToken);
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var blob = Blob(key);
        await write.ExecuteAsync(
            async ct => await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, null, ct), cancellationToken);
    }

    /// <summary>
    /// One server-side copy, awaited until it ends. A copy that ends without success (a concurrent copy to the same
    /// destination aborted or replaced it) is an <see cref="IOException"/>, so the pipeline copies again; when the
    /// destination already holds a successful copy of the same source, that is the answer.
    /// </summary>
    private static async ValueTask<bool> ServerSideCopyAsync(BlobClient source, BlobClient destination, CancellationToken cancellationToken)
    {
        var operation = await destination.StartCopyFromUriAsync(source.Uri, cancellationToken: cancellationToken);
        try
        {
            await operation.WaitForCompletionAsync(cancellationToken);
            return true;
        }
        catch (InvalidOperationException)
        {
            // The SDK reports a copy that ended as aborted or failed this way.
        }

        var properties = (await destination.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
        if (properties.CopyStatus == CopyStatus.Success && properties.CopySource == source.Uri)
        {
            return true;
        }

        throw new IOException(
            $"The copy to '{destination.Name}' ended as {properties.CopyStatus} ({properties.CopyStatusDescription}); it is retried.");
    }

    private BlobClient Blob(string key)
    {
        ObjectKeys.Validate(key);
        return container.GetBlobClient(rootSlash + key);
    }

    private async Task<Page<BlobItem>?> FirstPageAsync(GetBlobsOptions options, string? continuation, CancellationToken ct)
    {
        await foreach (var page in container.GetBlobsAsync(options, ct).AsPages(continuation, PageSize))
        {
            return page;
        }

        return null;
    }

    /// <summary>Runs a write; when the container does not exist yet, creates it and runs the write once more.</summary>
    private async Task<T> WithContainerAsync<T>(Func<CancellationToken, ValueTask<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await write.ExecuteAsync(action, cancellationToken);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            await write.ExecuteAsync(async ct => await container.CreateIfNotExistsAsync(cancellationToken: ct), cancellationToken);
            return await write.ExecuteAsync(action, cancellationToken);
        }
    }

    private FileNotFoundException NotFound(string key, Exception inner) =>
        new($"No object '{key}' in {Location}.", key, inner);
}
