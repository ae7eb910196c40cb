using System.Text.RegularExpressions;

namespace Pipeline.Contracts.Jobs;

/// <summary>Pure checks shared by the specs of every kind.</summary>
public static partial class JobSpecChecks
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex JobIdPattern();

    public static bool IsValidJobId(string jobId) => JobIdPattern().IsMatch(jobId);

    /// <summary>
    /// Whether <paramref name="output"/> is <paramref name="input"/> or lies below it (a rerun would list the outputs
    /// as corpus files). Compares locations as users type them: schemes and hosts case-insensitively, local paths made
    /// absolute, trailing '/' ignored.
    /// </summary>
    public static bool IsSameOrInside(string output, string input)
    {
        var o = Normalize(output);
        var i = Normalize(input);
        return o.Length > 0 && i.Length > 0 && (o == i || o.StartsWith(i + "/", StringComparison.Ordinal));
    }

    private static string Normalize(string location)
    {
        var text = location.Trim();
        if (text.Length == 0) return "";
        int scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0)
        {
            // az://container/prefix or https://account/container/prefix: scheme and host are case-insensitive.
            int hostEnd = text.IndexOf('/', scheme + 3);
            var head = (hostEnd < 0 ? text : text[..hostEnd]).ToLowerInvariant();
            var path = hostEnd < 0 ? "" : text[hostEnd..];
            return (head + path).TrimEnd('/');
        }
        try
        {
            return Path.TrimEndingDirectorySeparator(Path.GetFullPath(text)).Replace('\\', '/');
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return text.TrimEnd('/');
        }
    }
}
