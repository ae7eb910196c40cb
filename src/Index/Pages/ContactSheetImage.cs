namespace Pipeline.Index.Pages;

/// <summary>One image of a <see cref="ContactSheetPage"/>: where it is (as the thumbnail source reads it), its prompt and seed.</summary>
public sealed record ContactSheetImage(string ImagePath, string Prompt, long Seed);
