namespace Pipeline.Index.Pages;

/// <summary>
/// Reads the encoded bytes (JPEG, PNG, WebP, BMP, GIF) of one image named by a page, so that the page writer neither
/// knows nor cares whether images live on local disk or in blob storage. For local files
/// <c>File.ReadAllBytesAsync</c> converts to this delegate as it is. An exception other than cancellation of the
/// token passed in turns the image into an "unreadable" placeholder with the exception's message; it does not fail
/// the page.
/// </summary>
/// <param name="imagePath">The path exactly as it appears in the page record.</param>
/// <param name="cancellationToken">Cancels the read; the page write then fails with <see cref="OperationCanceledException"/>.</param>
public delegate Task<byte[]> ThumbnailSource(string imagePath, CancellationToken cancellationToken);
