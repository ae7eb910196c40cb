namespace Pipeline.Storage.Corpus;

/// <summary>Seekable streams for readers that need them (parquet): a blob download is spooled to a temporary file.</summary>
internal static class SeekableCopy
{
    private const int BufferSize = 1 << 16;

    /// <summary>Opens <paramref name="key"/>; a non-seekable stream is copied to a temporary file, deleted on dispose.</summary>
    public static async Task<Stream> OpenAsync(IObjectStore store, string key, CancellationToken cancellationToken)
    {
        var source = await store.OpenReadAsync(key, cancellationToken);
        if (source.CanSeek)
        {
            return source;
        }

        await using (source)
        {
            var temp = new FileStream(
                Path.Join(Path.GetTempPath(), $"pipeline-manifest-{Guid.NewGuid():N}.tmp"),
                FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, BufferSize,
                FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            try
            {
                await source.CopyToAsync(temp, BufferSize, cancellationToken);
                temp.Position = 0;
                return temp;
            }
            catch
            {
                await temp.DisposeAsync();
                throw;
            }
        }
    }
}
