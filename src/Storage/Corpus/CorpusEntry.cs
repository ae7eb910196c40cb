namespace Pipeline.Storage.Corpus;

/// <summary>One item of a corpus listing: what the metadata shows and how to open it.</summary>
/// <param name="ImagePath">
/// The path shown in metadata (<c>image_path</c>). Folder/prefix inputs: <c>&lt;input without trailing '/'&gt;/&lt;key&gt;</c>;
/// manifests: the path exactly as the manifest writes it (trimmed of surrounding white space); a <c>.tar</c> input: the
/// input as given. For tars, members get <c>image_path</c> = their member name later.
/// </param>
/// <param name="Reference">
/// How to open it with <see cref="SampleOpener"/>: a key relative to <see cref="CorpusInput.RootLocation"/> (folder
/// mode), or an absolute location string (a local path, <c>az://</c>, <c>https://</c> or Azurite URL).
/// </param>
/// <param name="Kind">An image, or a tar of images.</param>
public sealed record CorpusEntry(string ImagePath, string Reference, CorpusEntryKind Kind);
