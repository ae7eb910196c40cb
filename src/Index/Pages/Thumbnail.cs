namespace Pipeline.Index.Pages;

/// <summary>An image ready to embed: a data URI and its pixel size, or a placeholder with the reason it is one.</summary>
/// <param name="DataUri">A <c>data:image/jpeg;base64,...</c> thumbnail or a <c>data:image/svg+xml;base64,...</c> placeholder.</param>
/// <param name="Width">Pixel width of the image the URI holds.</param>
/// <param name="Height">Pixel height of the image the URI holds.</param>
/// <param name="Error">Why the image could not be shown; <see langword="null"/> for a real thumbnail.</param>
internal sealed record Thumbnail(string DataUri, int Width, int Height, string? Error)
{
    /// <summary>True when this is the "unreadable" placeholder rather than the image.</summary>
    public bool IsPlaceholder => Error is not null;
}
