using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Pipeline.Silo.Tests.Support;

/// <summary>
/// An embed job's output read back without the product's readers: <c>.npy</c> from its header bytes, <c>.parquet</c>
/// with hyparquet (node), so a bug shared by our writer and our reader cannot hide. Rows are keyed by image_path.
/// </summary>
internal sealed class EmbedOutputFolder
{
    private EmbedOutputFolder(string folder) => Folder = folder;

    public string Folder { get; }

    /// <summary>image_path -> the embedding row's bytes (as stored: float16 by default).</summary>
    public Dictionary<string, byte[]> Rows { get; } = new(StringComparer.Ordinal);

    /// <summary>Every image_path of the metadata files, duplicates included.</summary>
    public List<string> MetadataPaths { get; } = [];

    /// <summary>Every image_path of the failures files.</summary>
    public List<string> FailedPaths { get; } = [];

    public int Dimension { get; private set; }

    public string DType { get; private set; } = "";

    public bool HasSuccessMarker => File.Exists(Path.Combine(Folder, "_SUCCESS"));

    /// <summary>Copies <c>az://container/prefix</c> out of the storage account into a local folder (the Azure SDK, not our store).</summary>
    public static async Task<string> DownloadAsync(string connectionString, string container, string prefix, string destination)
    {
        var client = new BlobServiceClient(connectionString).GetBlobContainerClient(container);
        var root = prefix.TrimEnd('/') + "/";
        await foreach (var blob in client.GetBlobsAsync(new GetBlobsOptions { Prefix = root }))
        {
            var path = Path.Combine(destination, blob.Name[root.Length..]);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await client.GetBlobClient(blob.Name).DownloadToAsync(path);
        }
        return destination;
    }

    public static async Task<EmbedOutputFolder> ReadAsync(string folder)
    {
        var output = new EmbedOutputFolder(folder);
        var embeddings = Path.Combine(folder, "img_emb");
        Assert.True(Directory.Exists(embeddings), $"expected {embeddings}; the output holds: {string.Join(", ", Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName))}");
        foreach (var npy in Directory.GetFiles(embeddings, "img_emb_*.npy").Order())
        {
            var shard = Path.GetFileNameWithoutExtension(npy)["img_emb_".Length..];
            var (dtype, rows, dim, data) = ReadNpy(npy);
            var metadata = await ReadParquetColumnAsync(Path.Combine(folder, "metadata", $"metadata_{shard}.parquet"), "image_path");
            Assert.True(metadata.Count == rows, $"shard {shard}: expected as many metadata rows as embedding rows ({rows}), saw {metadata.Count}");
            output.DType = dtype;
            output.Dimension = dim;
            var rowBytes = data.Length / Math.Max(1, rows);
            for (var r = 0; r < rows; r++)
            {
                output.MetadataPaths.Add(metadata[r]);
                output.Rows[metadata[r]] = data[(r * rowBytes)..((r + 1) * rowBytes)];
            }
        }
        var failures = Path.Combine(folder, "failures");
        if (Directory.Exists(failures))
            foreach (var file in Directory.GetFiles(failures, "*.parquet").Order())
                output.FailedPaths.AddRange(await ReadParquetColumnAsync(file, "image_path"));
        return output;
    }

    /// <summary>NPY 1.0/2.0: magic, version, header length, a Python dict literal with descr and shape, then the data.</summary>
    private static (string DType, int Rows, int Dim, byte[] Data) ReadNpy(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 10 && bytes[0] == 0x93 && Encoding.ASCII.GetString(bytes, 1, 5) == "NUMPY", $"expected an NPY magic in {path}");
        var (headerLength, headerStart) = bytes[6] == 1 ? (BitConverter.ToUInt16(bytes, 8), 10) : ((int)BitConverter.ToUInt32(bytes, 8), 12);
        var header = Encoding.ASCII.GetString(bytes, headerStart, headerLength);
        var descr = Between(header, "'descr':", ",").Trim().Trim('\'');
        var shape = Between(header, "'shape':", ")").Trim().TrimStart('(').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        Assert.True(shape.Length == 2, $"expected a 2-d array in {path}, header: {header}");
        var itemSize = int.Parse(descr[2..]);
        var data = bytes[(headerStart + headerLength)..];
        Assert.True(data.Length == shape[0] * shape[1] * itemSize, $"expected {shape[0]}x{shape[1]}x{itemSize} data bytes in {path}, saw {data.Length}");
        return (descr, shape[0], shape[1], data);
    }

    private static string Between(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
        return text[from..text.IndexOf(end, from, StringComparison.Ordinal)];
    }

    private static async Task<List<string>> ReadParquetColumnAsync(string file, string column)
    {
        var info = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Shared", "read_parquet.mjs"));
        info.ArgumentList.Add(Path.Combine(RepoPaths.Root, "infra", "azurite", "node_modules"));
        info.ArgumentList.Add(file);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"expected hyparquet to read {file}, exit code {process.ExitCode}: {await stderr}");
        using var json = JsonDocument.Parse(await stdout);
        return json.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty(column).GetString()!).ToList();
    }
}
