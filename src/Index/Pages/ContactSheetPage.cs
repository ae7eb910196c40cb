namespace Pipeline.Index.Pages;

/// <summary>
/// A contact sheet of generated images: a grid of thumbnails, each with its prompt and seed, for people to look at a
/// generation job's output. Only the first <see cref="ResultPageOptions.MaxImages"/> images are drawn (the page
/// says how many were left out); the summary counts all of them.
/// </summary>
/// <param name="Title">Heading of the page and its <c>&lt;title&gt;</c>.</param>
/// <param name="Images">The images in job order.</param>
public sealed record ContactSheetPage(string Title, IReadOnlyList<ContactSheetImage> Images)
{
    /// <summary>An optional extra line under the summary (model, steps, guidance).</summary>
    public string? Note { get; init; }
}
