using CsvHelper;

namespace Pipeline.Index.Eval;

public static partial class LabelFile
{
    /// <summary>No record of a label file is longer than this; a longer one means broken quoting.</summary>
    private const int MaxRecordBytes = 1 << 20;

    private static readonly CsvReaderOptions CsvOptions = CsvReaderOptions.Default with
    {
        Separator = ',',
        HasHeader = true,
        MalformedData = CsvMalformedDataHandling.Throw,
        MaxRecordSize = MaxRecordBytes,
        TrackLineNumbers = true,
    };

    private static async Task<IReadOnlyList<LabelledImage>> ReadCsvAsync(Stream stream, string fileName, CancellationToken cancellationToken)
    {
        await using var csv = CsvReader.Create(stream, CsvOptions, leaveOpen: true);
        int pathColumn, labelColumn;
        try
        {
            await csv.ReadHeaderAsync(cancellationToken);
            var header = csv.Headers;
            if (header.Count == 0 || header.All(string.IsNullOrWhiteSpace))
                throw new InvalidDataException($"label file '{fileName}' has no header row; its first line must name the columns '{ImagePathColumn}' and '{LabelColumn}'.");
            pathColumn = ColumnIndex(header, ImagePathColumn, fileName);
            labelColumn = ColumnIndex(header, LabelColumn, fileName);
        }
        catch (CsvFormatException e)
        {
            throw Malformed(fileName, e);
        }

        var collector = new Collector(fileName);
        while (true)
        {
            string path, label;
            long line;
            try
            {
                if (!await csv.ReadAsync(cancellationToken))
                    return collector.Items;
                // A short record reads its missing fields as empty, which the collector reports with the line.
                path = pathColumn < csv.FieldCount ? csv.GetString(pathColumn) : "";
                label = labelColumn < csv.FieldCount ? csv.GetString(labelColumn) : "";
                line = csv.LineNumber;
            }
            catch (CsvFormatException e)
            {
                throw Malformed(fileName, e);
            }
            collector.Add(path, label, $"line {line}");
        }
    }

    private static InvalidDataException Malformed(string fileName, CsvFormatException e) =>
        new($"label file '{fileName}' is malformed at line {e.LineNumber}: {e.Message} Quote fields that hold commas, quotes or " +
            "line breaks and double the quotes inside them.", e);
}
