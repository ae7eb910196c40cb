using System.Globalization;
using System.Numerics;
using Parquet;
using Parquet.Schema;

namespace Pipeline.Index.Eval;

public static partial class LabelFile
{
    /// <summary>CLR types Parquet.Net reports for BYTE_ARRAY columns, which it reads as UTF-8 strings.</summary>
    private static readonly Type[] TextTypes = [typeof(string), typeof(ReadOnlyMemory<char>), typeof(ReadOnlyMemory<byte>), typeof(byte[])];

    private static async Task<IReadOnlyList<LabelledImage>> ReadParquetAsync(Stream stream, string fileName, CancellationToken cancellationToken)
    {
        if (!stream.CanSeek)
        {
            // Parquet's metadata is at the end of the file: a forward-only stream must be held whole first.
            var copy = new MemoryStream();
            await stream.CopyToAsync(copy, cancellationToken);
            copy.Position = 0;
            stream = copy;
        }

        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(stream, null, leaveStreamOpen: true, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidDataException($"label file '{fileName}' is not a readable parquet file ({e.Message}).", e);
        }

        await using (reader)
        {
            var fields = reader.Schema.Fields;
            var names = fields.Select(f => f.Name).ToList();
            var pathField = Column(fields[ColumnIndex(names, ImagePathColumn, fileName)], fileName, allowIntegers: false);
            var labelField = Column(fields[ColumnIndex(names, LabelColumn, fileName)], fileName, allowIntegers: true);

            var collector = new Collector(fileName);
            long rowBase = 0;
            for (int group = 0; group < reader.RowGroupCount; group++)
            {
                using var rowGroup = reader.OpenRowGroupReader(group);
                int count = checked((int)rowGroup.RowCount);
                var paths = new string?[count];
                await rowGroup.ReadAsync(pathField, paths.AsMemory(), null, cancellationToken);
                var labels = await ReadLabelsAsync(rowGroup, labelField, count, cancellationToken);
                for (int i = 0; i < count; i++)
                    collector.Add(paths[i], labels[i], $"row {rowBase + i + 1}");
                rowBase += count;
            }
            return collector.Items;
        }
    }

    /// <summary>The column as a flat data field of a supported type, or an error naming the type found.</summary>
    private static DataField Column(Field field, string fileName, bool allowIntegers)
    {
        if (field is DataField { IsArray: false } data && (TextTypes.Contains(data.ClrType) || (allowIntegers && IsInteger(data.ClrType))))
            return data;
        var holds = field is DataField d ? $"{d.ClrType.Name}{(d.IsArray ? "[]" : "")}" : field.SchemaType.ToString();
        var wanted = allowIntegers ? "a string or integer column" : "a string column";
        throw new InvalidDataException($"label file '{fileName}': column '{field.Name}' holds {holds}; it must be {wanted}.");
    }

    private static bool IsInteger(Type type) =>
        type == typeof(sbyte) || type == typeof(byte) || type == typeof(short) || type == typeof(ushort) ||
        type == typeof(int) || type == typeof(uint) || type == typeof(long) || type == typeof(ulong);

    private static Task<string?[]> ReadLabelsAsync(ParquetRowGroupReader rowGroup, DataField field, int count, CancellationToken cancellationToken)
    {
        var type = field.ClrType;
        if (type == typeof(sbyte)) return ReadIntegersAsync<sbyte>(rowGroup, field, count, cancellationToken);
        if (type == typeof(byte)) return ReadIntegersAsync<byte>(rowGroup, field, count, cancellationToken);
        if (type == typeof(short)) return ReadIntegersAsync<short>(rowGroup, field, count, cancellationToken);
        if (type == typeof(ushort)) return ReadIntegersAsync<ushort>(rowGroup, field, count, cancellationToken);
        if (type == typeof(int)) return ReadIntegersAsync<int>(rowGroup, field, count, cancellationToken);
        if (type == typeof(uint)) return ReadIntegersAsync<uint>(rowGroup, field, count, cancellationToken);
        if (type == typeof(long)) return ReadIntegersAsync<long>(rowGroup, field, count, cancellationToken);
        if (type == typeof(ulong)) return ReadIntegersAsync<ulong>(rowGroup, field, count, cancellationToken);
        return ReadStringsAsync(rowGroup, field, count, cancellationToken);
    }

    private static async Task<string?[]> ReadStringsAsync(ParquetRowGroupReader rowGroup, DataField field, int count, CancellationToken cancellationToken)
    {
        var values = new string?[count];
        await rowGroup.ReadAsync(field, values.AsMemory(), null, cancellationToken);
        return values;
    }

    private static async Task<string?[]> ReadIntegersAsync<T>(ParquetRowGroupReader rowGroup, DataField field, int count, CancellationToken cancellationToken)
        where T : struct, IBinaryInteger<T>
    {
        if (field.IsNullable)
        {
            var nullable = new T?[count];
            await rowGroup.ReadAsync<T>(field, nullable.AsMemory(), null, cancellationToken);
            return [.. nullable.Select(v => v?.ToString(null, CultureInfo.InvariantCulture))];
        }
        var values = new T[count];
        await rowGroup.ReadAsync<T>(field, values.AsMemory(), null, cancellationToken);
        return [.. values.Select(v => v.ToString(null, CultureInfo.InvariantCulture))];
    }
}
