using System.Diagnostics;
using System.Text;
using Pipeline.Storage.Corpus;
using Xunit.Abstractions;

namespace Pipeline.Storage.Tests.Corpus;

/// <summary>
/// Large manifests stream: entries come out in file order while the live heap stays flat (a listing held in memory
/// would grow it by ~200 bytes an entry). The 1,000,000-line runs are measurements, kept out of the default run.
/// </summary>
public sealed class ManifestStreamingTests(ITestOutputHelper output) : IDisposable
{
    private const long MaxHeapGrowthBytes = 16L << 20;

    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public Task A100kLineTextManifest_StreamsInOrder_WithAFlatHeap() => StreamAsync(".txt", 100_000);

    [Theory]
    [Trait("Category", "Slow")]
    [InlineData(".txt")]
    [InlineData(".csv")]
    public Task AMillionLineManifest_StreamsInOrder_WithAFlatHeap(string extension) => StreamAsync(extension, 1_000_000);

    private async Task StreamAsync(string extension, int lines)
    {
        var manifest = Path.Join(folder.Path, "manifest" + extension);
        await using (var writer = new StreamWriter(manifest, false, new UTF8Encoding(false), 1 << 16))
        {
            if (extension == ".csv")
            {
                await writer.WriteAsync("id,image_path,caption\n");
            }

            for (var i = 0; i < lines; i++)
            {
                var path = $"images/{i / 1000:D4}/{i:D7}.jpg";
                await writer.WriteAsync(extension == ".csv" ? $"{i},{path},\"caption {i}, quoted\"\n" : path + "\n");
            }
        }

        var input = await new CorpusSource(CorpusTestStores.Local(), CorpusTestStores.ImageExtensions).OpenAsync(manifest);
        var prefix = folder.Path + "/images/";
        var sampleEvery = lines / 10;
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var peakGrowth = long.MinValue;
        var count = 0;
        var clock = Stopwatch.StartNew();
        var sampling = TimeSpan.Zero;
        await foreach (var entry in input.EntriesAsync())
        {
            if (!entry.Reference.StartsWith(prefix, StringComparison.Ordinal) || !entry.Reference.EndsWith($"{count:D7}.jpg", StringComparison.Ordinal))
            {
                Assert.Fail($"entry {count} is '{entry.Reference}', expected '{prefix}{count / 1000:D4}/{count:D7}.jpg'");
            }

            if (++count % sampleEvery == 0)
            {
                var pause = Stopwatch.StartNew();
                peakGrowth = Math.Max(peakGrowth, GC.GetTotalMemory(forceFullCollection: true) - baseline);
                sampling += pause.Elapsed;
            }
        }

        var elapsed = clock.Elapsed - sampling;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        output.WriteLine($"{extension} {count:N0} entries in {elapsed.TotalSeconds:F2} s ({count / elapsed.TotalSeconds:N0}/s); " +
                         $"peak live-heap growth {peakGrowth / 1024.0 / 1024:F2} MiB; allocated {allocated / 1024.0 / 1024:N0} MiB in all; " +
                         $"file {new FileInfo(manifest).Length / 1024.0 / 1024:F1} MiB; load average {LoadAverage()}");
        Assert.Equal(lines, count);
        Assert.True(peakGrowth < MaxHeapGrowthBytes, $"expected the live heap to grow by less than {MaxHeapGrowthBytes >> 20} MiB while streaming, saw {peakGrowth / 1024.0 / 1024:F1} MiB");
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
}
