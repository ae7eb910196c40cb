namespace Pipeline.Storage.Corpus;

/// <summary>
/// Resolving manifest paths to absolute references, and splitting absolute references into the parent location a
/// store opens on and the key below it.
/// </summary>
internal static class CorpusReferences
{
    /// <summary>Whether <paramref name="reference"/> is absolute (a URL or a rooted local path) rather than a key.</summary>
    public static bool IsAbsolute(string reference) => HasScheme(reference) || Path.IsPathRooted(reference);

    /// <summary>
    /// The absolute reference of <paramref name="path"/> as a manifest in <paramref name="folder"/> writes it: URLs
    /// (<c>az://</c>, <c>https://</c>, ...) and absolute local paths as they are, '~/' expanded to the home folder; relative paths joined onto the folder
    /// ('.' and '..' segments resolved, doubled '/' collapsed). A '..' that climbs above a container is kept, so the
    /// reference fails when it is opened (one failed sample, not a failed job).
    /// </summary>
    public static string Resolve(StorageLocation folder, string path)
    {
        if (IsAbsolute(path))
        {
            return path;
        }

        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            return StorageLocation.ForLocalFolder(path).LocalRoot!;
        }

        if (folder.Kind == StorageKind.Local)
        {
            // GetFullPath only changes '.', '..' and doubled separators; skip its cost (a third of a 1M-line listing) without them.
            var plain = !path.StartsWith('.') && !path.EndsWith('.') && !path.Contains("./", StringComparison.Ordinal)
                        && !path.Contains("//", StringComparison.Ordinal);
            return plain ? string.Concat(folder.LocalRoot, "/", path) : Path.GetFullPath(Path.Join(folder.LocalRoot, path));
        }

        var segments = new List<string>();
        if (folder.Prefix.Length > 0)
        {
            segments.AddRange(folder.Prefix.Split('/'));
        }

        foreach (var segment in path.Split('/'))
        {
            switch (segment)
            {
                case "" or ".":
                    break;
                case ".." when segments.Count > 0 && segments[^1] != "..":
                    segments.RemoveAt(segments.Count - 1);
                    break;
                default:
                    segments.Add(segment);
                    break;
            }
        }

        return (folder with { Prefix = string.Join('/', segments) }).ToString();
    }

    /// <summary>Splits an absolute reference into its parent location and the key of the file in it.</summary>
    /// <exception cref="ArgumentException">The reference is not a valid location or names no file.</exception>
    public static (StorageLocation Parent, string Key) Split(string reference) => Split(StorageLocation.Parse(reference), reference);

    /// <summary>Splits the location of a file into its parent location and the file's key.</summary>
    /// <exception cref="ArgumentException">The location names a container or a file system root, not a file.</exception>
    public static (StorageLocation Parent, string Key) Split(StorageLocation location, string text)
    {
        if (location.Kind == StorageKind.Local)
        {
            var parent = Path.GetDirectoryName(location.LocalRoot);
            var name = Path.GetFileName(location.LocalRoot);
            if (string.IsNullOrEmpty(parent) || string.IsNullOrEmpty(name))
            {
                throw new ArgumentException($"'{text}' names no file; give the path of a file.", nameof(text));
            }

            return (StorageLocation.ForLocalFolder(parent), name);
        }

        if (location.Prefix.Length == 0)
        {
            throw new ArgumentException($"'{text}' names a container, not a blob; give the blob's full path.", nameof(text));
        }

        var slash = location.Prefix.LastIndexOf('/');
        return slash < 0
            ? (location with { Prefix = "" }, location.Prefix)
            : (location with { Prefix = location.Prefix[..slash] }, location.Prefix[(slash + 1)..]);
    }

    private static bool HasScheme(string text)
    {
        var end = text.IndexOf("://", StringComparison.Ordinal);
        if (end <= 0)
        {
            return false;
        }

        for (var i = 0; i < end; i++)
        {
            if (!(char.IsAsciiLetterOrDigit(text[i]) || text[i] is '+' or '-' or '.'))
            {
                return false;
            }
        }

        return char.IsAsciiLetter(text[0]);
    }
}
