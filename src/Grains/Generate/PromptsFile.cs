using System.Text;
using System.Text.Json;
using Parquet;
using Parquet.Schema;
using Pipeline.Storage;
using Pipeline.Storage.Corpus;

namespace Pipeline.Grains.Generate;

/// <summary>
/// Reads a generation job's prompts: <c>.txt</c> (one prompt a line; blank lines are not prompts), <c>.jsonl</c> (one
/// object a line with a string <c>prompt</c>) or <c>.parquet</c> (a string column <c>prompt</c>, or <c>caption</c> /
/// <c>text</c>), local or blob. The whole list is read at once: prompt lists are small next to the images they make.
/// Every problem is an <see cref="InvalidDataException"/> that names the file, the line or column, and what to fix.
/// </summary>
public static class PromptsFile
{
    public static readonly IReadOnlyList<string> ParquetColumns = ["prompt", "caption", "text"];

    public static async Task<IReadOnlyList<string>> ReadAsync(IObjectStoreFactory stores, string location, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            // A relative local path is relative to the silo's working folder (the CLI's, in embedded mode).
            var reference = location.Contains("://", StringComparison.Ordinal) || Path.IsPathRooted(location) ? location : Path.GetFullPath(location);
            bytes = await new SampleOpener(stores, null).ReadAllBytesAsync(reference, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or ArgumentException)
        {
            throw new InvalidDataException($"--prompts {location} cannot be read ({e.Message}): check the path.", e);
        }
        var prompts = location.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? await ReadParquetAsync(bytes, location, cancellationToken)
            : location.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) ? ReadJsonLines(bytes, location)
            : ReadText(bytes, location);
        if (prompts.Count == 0) throw new InvalidDataException($"--prompts {location} holds no prompts: give at least one.");
        return prompts;
    }

    private static string Decode(byte[] bytes, string location)
    {
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"--prompts {location} is not UTF-8 text (byte {e.Index}): save it as UTF-8.", e);
        }
    }

    private static List<string> ReadText(byte[] bytes, string location) =>
        [.. Decode(bytes, location).Split('\n').Select(l => l.TrimEnd('\r')).Where(l => !string.IsNullOrWhiteSpace(l))];

    private static List<string> ReadJsonLines(byte[] bytes, string location)
    {
        var prompts = new List<string>();
        var lines = Decode(bytes, location).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            try
            {
                using var json = JsonDocument.Parse(line);
                if (json.RootElement.ValueKind != JsonValueKind.Object
                    || !json.RootElement.TryGetProperty("prompt", out var prompt) || prompt.ValueKind != JsonValueKind.String)
                    throw new InvalidDataException($"--prompts {location} line {i + 1}: expected an object with a string \"prompt\", e.g. {{\"prompt\": \"a red fox\"}}.");
                prompts.Add(prompt.GetString()!);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"--prompts {location} line {i + 1} is not JSON ({e.Message}): one object a line.", e);
            }
        }
        return prompts;
    }

    private static async Task<List<string>> ReadParquetAsync(byte[] bytes, string location, CancellationToken cancellationToken)
    {
        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(new MemoryStream(bytes), null, leaveStreamOpen: false, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidDataException($"--prompts {location} is not a readable parquet file ({e.Message}).", e);
        }
        await using (reader)
        {
            var field = reader.Schema.Fields.OfType<DataField>()
                .FirstOrDefault(f => ParquetColumns.Contains(f.Name, StringComparer.OrdinalIgnoreCase) && !f.IsArray && f.ClrType == typeof(string))
                ?? throw new InvalidDataException(
                    $"--prompts {location} has no string column {string.Join(", ", ParquetColumns)} (its columns: {string.Join(", ", reader.Schema.Fields.Select(f => f.Name))}).");
            var prompts = new List<string>();
            for (int group = 0; group < reader.RowGroupCount; group++)
            {
                using var rowGroup = reader.OpenRowGroupReader(group);
                var values = new string?[checked((int)rowGroup.RowCount)];
                await rowGroup.ReadAsync(field, values.AsMemory(), null, cancellationToken);
                for (int i = 0; i < values.Length; i++)
                    prompts.Add(values[i] ?? throw new InvalidDataException($"--prompts {location}: row {prompts.Count} of column {field.Name} is null: every row needs a prompt."));
            }
            return prompts;
        }
    }
}
