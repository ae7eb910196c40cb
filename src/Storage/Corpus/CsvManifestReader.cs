using System.Runtime.CompilerServices;
using CsvHelper;

namespace Pipeline.Storage.Corpus;

/// <summary>
/// A <c>.csv</c> manifest (RFC 4180, comma-separated: quoted fields may hold commas, quotes and line breaks) with a
/// header row naming an <c>image_path</c> or <c>path</c> column. Records are read one buffer at a time; malformed
/// quoting is an error rather than silently recovered (an unclosed quote would swallow the rest of the file).
/// </summary>
internal static class CsvManifestReader
{
    /// <summary>No path is longer than this; a longer record means broken quoting.</summary>
    private const int MaxRecordBytes = 1 << 20;

    private static readonly CsvReaderOptions Options = CsvReaderOptions.Default with
    {
        Separator = ',',
        HasHeader = true,
        MalformedData = CsvMalformedDataHandling.Throw,
        MaxRecordSize = MaxRecordBytes,
    };

    /// <summary>Checks that the header names a path column.</summary>
    /// <exception cref="ArgumentException">The file is empty or has no path column.</exception>
    /// <exception cref="InvalidDataException">The header is malformed.</exception>
    public static async Task ValidateAsync(Stream stream, string input, CancellationToken cancellationToken = default)
    {
        await using var csv = CsvReader.Create(stream, Options, leaveOpen: true);
        await ReadHeaderAsync(csv, input, cancellationToken);
    }

    /// <summary>The path column's values in file order, trimmed; blank values skipped, duplicates kept.</summary>
    /// <exception cref="InvalidDataException">A record is malformed (e.g. an unterminated quote).</exception>
    public static async IAsyncEnumerable<string> ReadAsync(Stream stream, string input, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var csv = CsvReader.Create(stream, Options, leaveOpen: true);
        var column = await ReadHeaderAsync(csv, input, cancellationToken);
        while (true)
        {
            string value;
            try
            {
                if (!await csv.ReadAsync(cancellationToken))
                {
                    yield break;
                }

                value = column < csv.FieldCount ? csv.GetString(column) : "";
            }
            catch (CsvFormatException e)
            {
                throw Malformed(input, e);
            }

            if (!string.IsNullOrWhiteSpace(value))
            {
                yield return value.Trim();
            }
        }
    }

    private static async Task<int> ReadHeaderAsync(CsvReader csv, string input, CancellationToken cancellationToken)
    {
        try
        {
            await csv.ReadHeaderAsync(cancellationToken);
        }
        catch (CsvFormatException e)
        {
            throw Malformed(input, e);
        }

        var header = csv.Headers;
        if (header.Count == 0 || header.All(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException(
                $"--input '{input}': the CSV manifest has no header row; its first line must name the columns, one of them 'image_path' or 'path'.",
                nameof(input));
        }

        return ManifestColumns.Choose(header, input);
    }

    private static InvalidDataException Malformed(string input, CsvFormatException e) =>
        new($"--input '{input}': the CSV manifest is malformed at record {e.RecordNumber}: {e.Message} Quote fields that hold " +
            "commas, quotes or line breaks (\"a,b.jpg\") and double the quotes inside them.", e);
}
