using System.Diagnostics;
using System.Text.Json;
using Pipeline.Storage.Azurite;

namespace Pipeline.Storage.Tests.Parquet;

/// <summary>Parquet files written by Parquet.Net and read back both by it and by hyparquet (another reader).</summary>
public sealed class ParquetFilesTests
{
    private static readonly EmbeddingMetadataRow[] MetadataRows =
    [
        new() { ImagePath = "az://corpus/a/cat.jpg", Shard = 3, Row = 0, Width = 640, Height = 480 },
        new() { ImagePath = "/data/ü/dog with space.png", Shard = 3, Row = 1, Width = 1, Height = 65535 },
        new() { ImagePath = "", Shard = 3, Row = 2, Width = 224, Height = 224 },
    ];

    private static readonly FailureRow[] FailureRows =
    [
        new() { ImagePath = "az://corpus/a/broken.jpg", Stage = "decode", Error = "not a JPEG: missing SOI marker" },
        new() { ImagePath = "az://corpus/a/gone.jpg", Stage = "read", Error = "404 BlobNotFound" },
    ];

    [Fact]
    public async Task MetadataRows_RoundTripThroughParquetNet()
    {
        var bytes = await WriteAsync(MetadataRows);

        var read = await ParquetFiles.ReadAsync<EmbeddingMetadataRow>(new MemoryStream(bytes));

        Assert.Equal(MetadataRows.Select(Describe), read.Select(Describe));
    }

    [Fact]
    public async Task MetadataFiles_ReadByHyparquet_HaveSnakeCaseColumns_SnappyPages_AndTheSameRows()
    {
        var result = await ReadWithHyparquetAsync(await WriteAsync(MetadataRows));

        Assert.Equal(["image_path", "shard", "row", "width", "height"], Strings(result.GetProperty("columns")));
        Assert.Equal(["SNAPPY"], Strings(result.GetProperty("codecs")));
        var rows = result.GetProperty("rows").EnumerateArray().Select(r =>
            $"{r.GetProperty("image_path").GetString()}|{r.GetProperty("shard").GetInt32()}|{r.GetProperty("row").GetInt32()}|" +
            $"{r.GetProperty("width").GetInt32()}|{r.GetProperty("height").GetInt32()}");
        Assert.Equal(MetadataRows.Select(Describe), rows);
    }

    [Fact]
    public async Task FailureFiles_ReadByHyparquet_HaveTheLayoutsColumns_AndTheSameRows()
    {
        var result = await ReadWithHyparquetAsync(await WriteAsync(FailureRows));

        Assert.Equal(["image_path", "stage", "error"], Strings(result.GetProperty("columns")));
        var rows = result.GetProperty("rows").EnumerateArray().Select(r =>
            $"{r.GetProperty("image_path").GetString()}|{r.GetProperty("stage").GetString()}|{r.GetProperty("error").GetString()}");
        Assert.Equal(FailureRows.Select(f => $"{f.ImagePath}|{f.Stage}|{f.Error}"), rows);
    }

    [Fact]
    public async Task ZeroRows_GiveAFileBothReadersAccept()
    {
        var bytes = await WriteAsync(Array.Empty<FailureRow>());

        Assert.Empty(await ParquetFiles.ReadAsync<FailureRow>(new MemoryStream(bytes)));
        var result = await ReadWithHyparquetAsync(bytes);
        Assert.Equal(0, result.GetProperty("numRows").GetInt32());
        Assert.Equal(["image_path", "stage", "error"], Strings(result.GetProperty("columns")));
    }

    private static string Describe(EmbeddingMetadataRow r) => $"{r.ImagePath}|{r.Shard}|{r.Row}|{r.Width}|{r.Height}";

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static async Task<byte[]> WriteAsync<T>(IReadOnlyList<T> rows)
    {
        using var stream = new MemoryStream();
        await ParquetFiles.WriteAsync(stream, rows, CancellationToken.None);
        return stream.ToArray();
    }

    private static async Task<JsonElement> ReadWithHyparquetAsync(byte[] parquet)
    {
        using var folder = new TempFolder();
        var file = Path.Join(folder.Path, "file.parquet");
        await File.WriteAllBytesAsync(file, parquet);
        var modules = AzuriteInstall.FindNodeModules()
            ?? throw new InvalidOperationException($"infra/azurite/node_modules is missing; {AzuriteInstall.InstallHint}");
        var info = new ProcessStartInfo(AzuriteInstall.FindNode(null))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { Path.Join(AppContext.BaseDirectory, "Parquet", "read_parquet.mjs"), modules, file },
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"hyparquet exited with {process.ExitCode}: {await stderr}");
        return JsonDocument.Parse(await stdout).RootElement.Clone();
    }
}
