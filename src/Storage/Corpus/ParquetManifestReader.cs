using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;

namespace Pipeline.Storage.Corpus;

/// <summary>
/// A <c>.parquet</c> manifest with a top-level string column <c>image_path</c> or <c>path</c>. One row group is in
/// memory at a time. Parquet needs a seekable stream (its footer comes first): see <see cref="SeekableCopy"/>.
/// </summary>
internal static class ParquetManifestReader
{
    /// <summary>CLR types Parquet.Net reports for BYTE_ARRAY columns, which it reads as UTF-8 strings.</summary>
    private static readonly Type[] TextTypes = [typeof(string), typeof(ReadOnlyMemory<char>), typeof(ReadOnlyMemory<byte>), typeof(byte[])];

    /// <summary>Checks that the file is parquet and has a string path column.</summary>
    /// <exception cref="ArgumentException">No usable path column.</exception>
    /// <exception cref="InvalidDataException">The file is not parquet.</exception>
    public static async Task ValidateAsync(Stream seekable, string input, CancellationToken cancellationToken = default)
    {
        await using var reader = await OpenAsync(seekable, input, cancellationToken);
        _ = PathField(reader, input);
    }

    /// <summary>The path column's values in file order, trimmed; nulls and blanks skipped, duplicates kept.</summary>
    public static async IAsyncEnumerable<string> ReadAsync(Stream seekable, string input, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var reader = await OpenAsync(seekable, input, cancellationToken);
        var field = PathField(reader, input);
        for (var group = 0; group < reader.RowGroupCount; group++)
        {
            string?[] values;
            using (var rowGroup = reader.OpenRowGroupReader(group))
            {
                values = new string?[checked((int)rowGroup.RowCount)];
                await rowGroup.ReadAsync(field, values.AsMemory(), null, cancellationToken);
            }

            foreach (var value in values)
            {
                if (!string.IsNullOrWhiteSpace(value))
                {
                    yield return value.Trim();
                }
            }
        }
    }

    private static async Task<ParquetReader> OpenAsync(Stream seekable, string input, CancellationToken cancellationToken)
    {
        try
        {
            return await ParquetReader.CreateAsync(seekable, null, leaveStreamOpen: true, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidDataException($"--input '{input}': the manifest is not a readable parquet file ({e.Message}); check the file.", e);
        }
    }

    private static DataField PathField(ParquetReader reader, string input)
    {
        var fields = reader.Schema.Fields;
        var index = ManifestColumns.Choose(fields.Select(f => f.Name).ToList(), input);
        if (fields[index] is DataField { IsArray: false } field && TextTypes.Contains(field.ClrType))
        {
            return field;
        }

        throw new ArgumentException(
            $"--input '{input}': the manifest's column '{fields[index].Name}' is not a string column (it holds {Describe(fields[index])}); store the image paths as strings.",
            nameof(input));
    }

    private static string Describe(Field field) => field is DataField data ? $"{data.ClrType.Name}{(data.IsArray ? "[]" : "")} ({data.GetType().Name})" : field.SchemaType.ToString();
}
