using System.Runtime.CompilerServices;
using System.Text;

namespace Pipeline.Storage.Corpus;

/// <summary>A <c>.txt</c> manifest: one path a line, UTF-8 (a BOM is allowed), '\n' or '\r\n' line ends.</summary>
internal static class TextManifestReader
{
    private const int BufferSize = 1 << 16;

    /// <summary>The paths in file order, trimmed; blank lines skipped, duplicates kept. Reads one buffer at a time.</summary>
    public static async IAsyncEnumerable<string> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, BufferSize);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                yield return line.Trim();
            }
        }
    }
}
