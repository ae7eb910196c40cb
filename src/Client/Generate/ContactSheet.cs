using Pipeline.Index.Pages;
using Pipeline.Storage;

namespace Pipeline.Client.Generate;

/// <summary>
/// The contact sheet of a generation job's output: reads every committed shard's metadata (in shard order, so in job
/// order) and writes the page with each image's prompt and seed, thumbnails read from the output store.
/// </summary>
public static class ContactSheet
{
    /// <returns>How many images the output holds.</returns>
    public static async Task<int> WriteAsync(IObjectStore output, string htmlPath, CancellationToken cancellationToken)
    {
        var images = new List<ContactSheetImage>();
        string? note = null;
        var keys = new List<string>();
        await foreach (var entry in output.ListAsync("metadata/", cancellationToken))
            if (entry.Key.EndsWith(".parquet", StringComparison.Ordinal)) keys.Add(entry.Key);
        foreach (var key in keys.Order(StringComparer.Ordinal))
        {
            var rows = await ParquetFiles.ReadAsync<GenerationMetadataRow>(new MemoryStream(await output.ReadAllBytesAsync(key, cancellationToken)), cancellationToken);
            foreach (var row in rows) images.Add(new ContactSheetImage(row.ImagePath, row.Prompt, row.Seed));
            if (note is null && rows.Count > 0)
            {
                var r = rows[0];
                note = $"{r.Model}{(r.Lora is null ? "" : $" + {r.Lora} x {r.LoraScale}")}, {r.Scheduler} {r.Steps} steps, guidance {r.Guidance}, {r.Width}x{r.Height}";
            }
        }
        var title = $"Generated images: {output.Location}";
        await using var file = File.Create(htmlPath);
        await new ResultPageWriter().WriteContactSheetAsync(file, new ContactSheetPage(title, images) { Note = note },
            (path, ct) => output.ReadAllBytesAsync(path, ct), cancellationToken);
        return images.Count;
    }
}
