using System.Text;

namespace Pipeline.Storage.Corpus;

/// <summary>
/// The lines of <c>_plan/shard_&lt;n&gt;.txt</c>, one per <see cref="CorpusEntry"/>. An image whose
/// <see cref="CorpusEntry.ImagePath"/> is <c>&lt;root&gt;/&lt;reference&gt;</c> (folder mode) is written as the bare key,
/// exactly as plans were before manifests; every other entry as <c>image_path\treference</c>, with <c>\ttar</c>
/// appended for tars, where '\', tab, LF and CR in the fields are written <c>\\</c>, <c>\t</c>, <c>\n</c>, <c>\r</c>.
/// A line without a tab is therefore always a bare key (keys never hold tabs or control characters).
/// </summary>
/// <param name="root">The input as given (<see cref="CorpusInput.Root"/>): bare keys are relative to it.</param>
public sealed class PlanLines(string root)
{
    private const string TarMark = "tar";
    private readonly string prefix = root.Trim().TrimEnd('/') + "/";

    /// <summary>The plan line of <paramref name="entry"/> (no line break).</summary>
    public string Encode(CorpusEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Kind == CorpusEntryKind.Image
            && entry.Reference.Length > 0
            && !NeedsEscaping(entry.Reference)
            && entry.ImagePath.Length == prefix.Length + entry.Reference.Length
            && entry.ImagePath.StartsWith(prefix, StringComparison.Ordinal)
            && entry.ImagePath.EndsWith(entry.Reference, StringComparison.Ordinal))
        {
            return entry.Reference;
        }

        var line = new StringBuilder(entry.ImagePath.Length + entry.Reference.Length + 8);
        Escape(line, entry.ImagePath);
        line.Append('\t');
        Escape(line, entry.Reference);
        if (entry.Kind == CorpusEntryKind.Tar)
        {
            line.Append('\t').Append(TarMark);
        }

        return line.ToString();
    }

    /// <summary>The entry a plan line encodes.</summary>
    /// <exception cref="FormatException">The line is empty or malformed.</exception>
    public CorpusEntry Decode(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Length == 0)
        {
            throw new FormatException("A plan line is empty.");
        }

        if (!line.Contains('\t'))
        {
            return new CorpusEntry(prefix + line, line, CorpusEntryKind.Image);
        }

        var fields = line.Split('\t');
        var kind = fields.Length switch
        {
            2 => CorpusEntryKind.Image,
            3 when fields[2] == TarMark => CorpusEntryKind.Tar,
            _ => throw new FormatException($"The plan line '{Shorten(line)}' has {fields.Length} tab-separated fields; expected image_path, reference and optionally 'tar'."),
        };
        return new CorpusEntry(Unescape(fields[0], line), Unescape(fields[1], line), kind);
    }

    private static bool NeedsEscaping(string text) => text.AsSpan().IndexOfAny("\\\t\n\r") >= 0;

    private static void Escape(StringBuilder line, string text)
    {
        foreach (var c in text)
        {
            _ = c switch
            {
                '\\' => line.Append(@"\\"),
                '\t' => line.Append(@"\t"),
                '\n' => line.Append(@"\n"),
                '\r' => line.Append(@"\r"),
                _ => line.Append(c),
            };
        }
    }

    private static string Unescape(string field, string line)
    {
        if (!field.Contains('\\'))
        {
            return field;
        }

        var text = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] != '\\')
            {
                text.Append(field[i]);
                continue;
            }

            if (++i == field.Length)
            {
                throw new FormatException($"The plan line '{Shorten(line)}' ends a field with a lone '\\'.");
            }

            text.Append(field[i] switch
            {
                '\\' => '\\',
                't' => '\t',
                'n' => '\n',
                'r' => '\r',
                var other => throw new FormatException($"The plan line '{Shorten(line)}' has the unknown escape '\\{other}'."),
            });
        }

        return text.ToString();
    }

    private static string Shorten(string line) => line.Length <= 200 ? line : line[..200] + "...";
}
