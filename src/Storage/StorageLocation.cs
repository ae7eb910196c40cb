namespace Pipeline.Storage;

/// <summary>
/// A location as users type it: <c>az://&lt;container&gt;/&lt;prefix&gt;</c> (the configured account),
/// <c>https://&lt;account&gt;.blob.core.windows.net/&lt;container&gt;/&lt;prefix&gt;</c>, Azurite's path-style
/// <c>http://127.0.0.1:&lt;port&gt;/&lt;account&gt;/&lt;container&gt;/&lt;prefix&gt;</c>, or a local folder path.
/// <see cref="ToString"/> round-trips through <see cref="Parse"/>.
/// </summary>
/// <param name="Kind">Local folder or Azure Blob.</param>
/// <param name="Container">The blob container (Azure only).</param>
/// <param name="Prefix">The blob name prefix, '/' separated, without leading or trailing '/' (empty for local).</param>
/// <param name="LocalRoot">The absolute folder path (local only).</param>
/// <param name="AccountUri">
/// The account endpoint for URL locations, ending in '/' (e.g. <c>https://acct.blob.core.windows.net/</c> or
/// <c>http://127.0.0.1:10000/devstoreaccount1/</c>); null for <c>az://</c>, which means the configured account.
/// </param>
public sealed record StorageLocation(StorageKind Kind, string? Container, string Prefix, string? LocalRoot, Uri? AccountUri)
{
    /// <summary>The scheme of locations in the configured storage account.</summary>
    public const string AzScheme = "az://";

    private const string Expected =
        "give az://<container>/<prefix>, https://<account>.blob.core.windows.net/<container>/<prefix> or a local folder path";

    /// <summary>Parses and validates a location.</summary>
    /// <exception cref="ArgumentException">The text is not a valid location; the message says what to fix.</exception>
    public static StorageLocation Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            throw new ArgumentException($"The storage location is empty; {Expected}.", nameof(text));
        }

        if (trimmed.StartsWith(AzScheme, StringComparison.OrdinalIgnoreCase))
        {
            return ParseAz(trimmed);
        }

        if (trimmed.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            || trimmed.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            return ParseUrl(trimmed);
        }

        if (trimmed.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            return Uri.TryCreate(trimmed, UriKind.Absolute, out var fileUri)
                ? ForLocalFolder(fileUri.LocalPath)
                : throw new ArgumentException($"'{text}' is not a valid file:// URL; {Expected}.", nameof(text));
        }

        var schemeEnd = trimmed.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd > 0)
        {
            throw new ArgumentException(
                $"'{text}' uses the unsupported scheme '{trimmed[..schemeEnd]}://'; {Expected}.", nameof(text));
        }

        return ForLocalFolder(trimmed);
    }

    /// <summary>A local folder location; relative paths resolve against the current directory, '~' against HOME.</summary>
    public static StorageLocation ForLocalFolder(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            path = Path.Join(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[1..]);
        }

        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        return new StorageLocation(StorageKind.Local, null, "", full, null);
    }

    /// <summary>The location of <paramref name="relative"/> (a '/' separated path) below this one.</summary>
    /// <exception cref="ArgumentException">The path is absolute or has empty, '.' or '..' segments.</exception>
    public StorageLocation Combine(string relative)
    {
        ArgumentNullException.ThrowIfNull(relative);
        var rel = relative.TrimEnd('/');
        if (rel.Length == 0)
        {
            return this;
        }

        if (rel.StartsWith('/'))
        {
            throw new ArgumentException($"Cannot combine '{this}' with '{relative}': the path must be relative (no leading '/').", nameof(relative));
        }

        var problem = ObjectKeys.SegmentProblem(rel);
        if (problem is not null)
        {
            throw new ArgumentException($"Cannot combine '{this}' with '{relative}': {problem}.", nameof(relative));
        }

        return Kind == StorageKind.Local
            ? this with { LocalRoot = Path.Join(LocalRoot, rel.Replace('/', Path.DirectorySeparatorChar)) }
            : this with { Prefix = ObjectKeys.Join(Prefix, rel) };
    }

    /// <summary>The location as a user would type it; <see cref="Parse"/> gives back an equal location.</summary>
    public override string ToString()
    {
        if (Kind == StorageKind.Local)
        {
            return LocalRoot ?? "";
        }

        if (AccountUri is null)
        {
            return Prefix.Length == 0 ? $"{AzScheme}{Container}" : $"{AzScheme}{Container}/{Prefix}";
        }

        var escaped = Prefix.Length == 0 ? "" : "/" + string.Join('/', Prefix.Split('/').Select(Uri.EscapeDataString));
        return $"{AccountUri.AbsoluteUri.TrimEnd('/')}/{Container}{escaped}";
    }

    private static StorageLocation ParseAz(string text)
    {
        var rest = text[AzScheme.Length..];
        var slash = rest.IndexOf('/');
        var container = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..];
        ValidateContainer(container, text);
        return new StorageLocation(StorageKind.AzureBlob, container, NormalizePrefix(prefix, text), null, null);
    }

    private static StorageLocation ParseUrl(string text)
    {
        // System.Uri silently resolves '.' and '..' segments ("/c/../x" becomes "/x"), so look at the raw path first.
        var pathStart = text.IndexOf('/', text.IndexOf("://", StringComparison.Ordinal) + 3);
        if (pathStart >= 0)
        {
            var rawPath = text[pathStart..].Split('?', '#')[0];
            var dots = rawPath.Split('/').Select(Uri.UnescapeDataString).FirstOrDefault(s => s is "." or "..");
            if (dots is not null)
            {
                throw new ArgumentException($"The path in '{text}' has a '{dots}' segment; write the path without '.' or '..'.", nameof(text));
            }
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            throw new ArgumentException($"'{text}' is not a valid URL; {Expected}.", nameof(text));
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new ArgumentException(
                $"'{text}' has a query string or fragment. SAS tokens are not accepted in locations (they would be " +
                "logged and stored in job specs); remove it and configure credentials under Pipeline:Storage.",
                nameof(text));
        }

        // Azurite and the emulators address accounts path-style (http://host:port/<account>/<container>/...), as the
        // Azure SDK's BlobUriBuilder does for IP hosts and localhost; real accounts use <account>.blob.<suffix>.
        var pathStyle = uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || uri.IsLoopback;
        if (!pathStyle && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException(
                $"'{text}' uses http for a non-local host; use https (plain http is accepted only for Azurite on a loopback or IP address).",
                nameof(text));
        }

        var segments = uri.AbsolutePath.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToList();
        var authority = $"{uri.Scheme}://{uri.Authority}/";
        if (pathStyle)
        {
            if (segments.Count < 2 || segments[0].Length == 0)
            {
                throw new ArgumentException(
                    $"'{text}' names no account and container; an emulator URL looks like http://127.0.0.1:10000/devstoreaccount1/<container>/<prefix>.",
                    nameof(text));
            }

            authority += Uri.EscapeDataString(segments[0]) + "/";
            segments.RemoveAt(0);
        }

        var container = segments[0];
        if (container.Length == 0)
        {
            throw new ArgumentException($"'{text}' names no container; add /<container>/<prefix> after the account.", nameof(text));
        }

        ValidateContainer(container, text);
        var prefix = string.Join('/', segments.Skip(1));
        return new StorageLocation(StorageKind.AzureBlob, container, NormalizePrefix(prefix, text), null, new Uri(authority));
    }

    private static void ValidateContainer(string container, string text)
    {
        var valid = container.Length is >= 3 and <= 63
            && container.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
            && container[0] != '-'
            && container[^1] != '-'
            && !container.Contains("--", StringComparison.Ordinal);
        if (!valid)
        {
            throw new ArgumentException(
                $"Container name '{container}' in '{text}' is invalid: container names are 3-63 characters of lowercase " +
                "letters, digits and single hyphens, starting and ending with a letter or digit (e.g. 'embeddings-2024').",
                nameof(text));
        }
    }

    private static string NormalizePrefix(string prefix, string text)
    {
        var trimmed = prefix.TrimEnd('/');
        if (trimmed.Length == 0)
        {
            return "";
        }

        var problem = ObjectKeys.SegmentProblem(trimmed);
        return problem is null
            ? trimmed
            : throw new ArgumentException($"The prefix '{prefix}' in '{text}' is invalid: {problem}.", nameof(text));
    }

    /// <summary>True when the two account endpoints address the same account (scheme, host, port and path).</summary>
    internal static bool SameAccount(Uri a, Uri b) =>
        Uri.Compare(
            new Uri(a.AbsoluteUri.TrimEnd('/') + "/"),
            new Uri(b.AbsoluteUri.TrimEnd('/') + "/"),
            UriComponents.SchemeAndServer | UriComponents.Path,
            UriFormat.Unescaped,
            StringComparison.OrdinalIgnoreCase) == 0;
}
