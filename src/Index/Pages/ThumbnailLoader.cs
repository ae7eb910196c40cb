namespace Pipeline.Index.Pages;

/// <summary>
/// Reads and renders the thumbnails a page needs, a few at once. Each distinct path is loaded once, so an image that
/// appears twice (the query among its own neighbours) costs one read.
/// </summary>
internal static class ThumbnailLoader
{
    /// <summary>
    /// Loads every path in <paramref name="paths"/> with at most <paramref name="maxParallelism"/> reads and decodes in
    /// flight. A read that throws becomes a placeholder; cancellation of <paramref name="cancellationToken"/> is rethrown.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, Thumbnail>> LoadAsync(
        IEnumerable<string> paths,
        ThumbnailSource source,
        ThumbnailRenderer renderer,
        int maxParallelism,
        CancellationToken cancellationToken)
    {
        var distinct = paths.Distinct(StringComparer.Ordinal).ToArray();
        var results = new Thumbnail[distinct.Length];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(
            Enumerable.Range(0, distinct.Length),
            parallel,
            async (i, token) => results[i] = await LoadOneAsync(distinct[i], source, renderer, token).ConfigureAwait(false))
            .ConfigureAwait(false);

        var byPath = new Dictionary<string, Thumbnail>(distinct.Length, StringComparer.Ordinal);
        for (var i = 0; i < distinct.Length; i++)
        {
            byPath[distinct[i]] = results[i];
        }

        return byPath;
    }

    private static async Task<Thumbnail> LoadOneAsync(
        string path,
        ThumbnailSource source,
        ThumbnailRenderer renderer,
        CancellationToken cancellationToken)
    {
        byte[] encoded;
        try
        {
            encoded = await source(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Any read failure (missing file, denied blob, timeout of the caller's own HTTP client) is one bad image, not
            // a failed page: the page shows the placeholder and the message.
            return ThumbnailPlaceholder.Create(renderer.Size, $"Could not read the image: {e.GetType().Name}: {e.Message}");
        }

        if (encoded is null)
        {
            return ThumbnailPlaceholder.Create(renderer.Size, "Could not read the image: the source returned no bytes.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return renderer.Render(encoded);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Undecodable bytes are handled inside Render; this is Skia failing on bytes that did decode. Still one image.
            return ThumbnailPlaceholder.Create(renderer.Size, $"Could not make a thumbnail: {e.GetType().Name}: {e.Message}");
        }
    }
}
