using System.Text;

namespace Pipeline.Index.Pages;

/// <summary>
/// Writes self-contained HTML pages for query results and duplicate clusters: one file, thumbnails embedded as
/// <c>data:</c> URIs, inline CSS and script, no external URL, every data-derived string HTML-escaped. Images are read
/// through a caller-supplied <see cref="ThumbnailSource"/>, decoded with EXIF orientation applied, scaled to fit
/// <see cref="ResultPageOptions.ThumbnailSize"/> and embedded as JPEG; an image that cannot be read or decoded shows
/// as an "unreadable" placeholder with the error in its tooltip. Thread-safe; one instance can serve many pages.
/// </summary>
/// <example>
/// <code>
/// var writer = new ResultPageWriter();
/// await using var file = File.Create("results.html");
/// await writer.WriteQueryPageAsync(file, page, File.ReadAllBytesAsync, cancellationToken);
/// </code>
/// </example>
public sealed class ResultPageWriter
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    private readonly ResultPageOptions _options;
    private readonly ThumbnailRenderer _renderer;

    /// <summary>Creates a writer; <paramref name="options"/> defaults to <see cref="ResultPageOptions.Default"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its documented range.</exception>
    public ResultPageWriter(ResultPageOptions? options = null)
    {
        _options = options ?? ResultPageOptions.Default;
        _options.Validate();
        _renderer = new ThumbnailRenderer(_options.ThumbnailSize, _options.JpegQuality);
    }

    /// <summary>
    /// Writes the query page to <paramref name="output"/> as UTF-8 (left open). The thumbnails of the query image and
    /// every neighbour are loaded first, <see cref="ResultPageOptions.MaxParallelism"/> at a time.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; nothing is written.</exception>
    public async Task WriteQueryPageAsync(
        Stream output,
        QueryPage page,
        ThumbnailSource thumbnails,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(thumbnails);
        var loaded = await ThumbnailLoader.LoadAsync(
            QueryPageHtml.ImagePaths(page), thumbnails, _renderer, _options.MaxParallelism, cancellationToken).ConfigureAwait(false);
        await WriteAsync(output, QueryPageHtml.Render(page, loaded, _options.ThumbnailSize), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the duplicates page to <paramref name="output"/> as UTF-8 (left open). Only the first
    /// <see cref="ResultPageOptions.MaxClusters"/> clusters are drawn and only their images are read; the page says
    /// how many clusters were left out.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; nothing is written.</exception>
    public async Task WriteDuplicatesPageAsync(
        Stream output,
        DuplicatesPage page,
        ThumbnailSource thumbnails,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(thumbnails);
        var shown = DuplicatesPageHtml.Shown(page, _options.MaxClusters);
        var paths = shown.SelectMany(cluster => cluster.Members).Select(member => member.ImagePath);
        var loaded = await ThumbnailLoader.LoadAsync(
            paths, thumbnails, _renderer, _options.MaxParallelism, cancellationToken).ConfigureAwait(false);
        var html = DuplicatesPageHtml.Render(page, shown, loaded, _options.ThumbnailSize);
        await WriteAsync(output, html, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the contact sheet of generated images to <paramref name="output"/> as UTF-8 (left open). At most
    /// <see cref="ResultPageOptions.MaxImages"/> images are drawn and read; the page says how many were left out.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; nothing is written.</exception>
    public async Task WriteContactSheetAsync(Stream output, ContactSheetPage page, ThumbnailSource thumbnails, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(thumbnails);
        var shown = ContactSheetHtml.Shown(page, _options.MaxImages);
        var loaded = await ThumbnailLoader.LoadAsync(
            shown.Select(image => image.ImagePath), thumbnails, _renderer, _options.MaxParallelism, cancellationToken).ConfigureAwait(false);
        await WriteAsync(output, ContactSheetHtml.Render(page, shown, loaded, _options.ThumbnailSize), cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteAsync(Stream output, string html, CancellationToken cancellationToken)
    {
        // No byte-order mark: the page declares <meta charset="utf-8"> and some tools show a BOM as stray characters.
        await using var writer = new StreamWriter(output, Utf8NoBom, bufferSize: 64 * 1024, leaveOpen: true);
        await writer.WriteAsync(html.AsMemory(), cancellationToken).ConfigureAwait(false);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
