namespace Pipeline.Storage;

/// <summary>
/// Validation and joining of '/' separated object keys and prefixes, shared by locations and stores so both kinds of
/// store accept exactly the same keys (and a key can never climb out of the location it is relative to).
/// </summary>
internal static class ObjectKeys
{
    /// <summary>Azure's limit on a blob name, in characters.</summary>
    public const int MaxLength = 1024;

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="key"/> is a valid object key.</summary>
    public static void Validate(string key, string paramName = "key")
    {
        ArgumentNullException.ThrowIfNull(key, paramName);
        if (key.Length == 0)
        {
            throw new ArgumentException("An object key is empty; give a relative path such as 'dir/file.npy'.", paramName);
        }

        if (key.StartsWith('/') || key.EndsWith('/'))
        {
            throw new ArgumentException(
                $"Object key '{key}' starts or ends with '/'; keys are relative paths such as 'dir/file.npy'.", paramName);
        }

        var problem = SegmentProblem(key);
        if (problem is not null)
        {
            throw new ArgumentException($"Object key '{key}' is invalid: {problem}.", paramName);
        }
    }

    /// <summary>
    /// Throws unless <paramref name="prefix"/> is a valid listing prefix: empty, or a key fragment that may end with
    /// '/' (a folder) or part of a name.
    /// </summary>
    public static void ValidatePrefix(string prefix, string paramName = "prefix")
    {
        ArgumentNullException.ThrowIfNull(prefix, paramName);
        if (prefix.Length == 0)
        {
            return;
        }

        if (prefix.StartsWith('/'))
        {
            throw new ArgumentException($"Listing prefix '{prefix}' starts with '/'; prefixes are relative, such as 'img_emb/'.", paramName);
        }

        var problem = SegmentProblem(prefix.EndsWith('/') ? prefix[..^1] : prefix);
        if (problem is not null)
        {
            throw new ArgumentException($"Listing prefix '{prefix}' is invalid: {problem}.", paramName);
        }
    }

    /// <summary>
    /// Describes what is wrong with a '/' separated relative path (no leading or trailing '/'), or returns null when
    /// it is fine: empty, '.' or '..' segments, backslashes, control characters, or too long.
    /// </summary>
    public static string? SegmentProblem(string path)
    {
        if (path.Length > MaxLength)
        {
            return $"it is {path.Length} characters long, the limit is {MaxLength}";
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0)
            {
                return "it has an empty segment ('//'); remove the doubled '/'";
            }

            if (segment is "." or "..")
            {
                return $"it has a '{segment}' segment; write the path without '.' or '..'";
            }

            if (segment.Contains('\\'))
            {
                return "it contains '\\'; use '/' to separate folders";
            }

            if (segment.Any(char.IsControl))
            {
                return "it contains a control character";
            }
        }

        return null;
    }

    /// <summary>Joins a root prefix (maybe empty) and a relative key with one '/'.</summary>
    public static string Join(string root, string key) =>
        root.Length == 0 ? key : key.Length == 0 ? root : string.Concat(root, "/", key);
}
