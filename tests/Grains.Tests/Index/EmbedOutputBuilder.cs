using Pipeline.Storage;
using Pipeline.Storage.Commit;

namespace Pipeline.Grains.Tests.Index;

/// <summary>
/// Writes what a finished embed job leaves (npy shards, metadata, markers, manifest.json, job.json) from vectors the
/// test chooses, so index tests control every value. The layout is the embed job's (OutputLayout).
/// </summary>
public static class EmbedOutputBuilder
{
    /// <param name="shards">Per shard: row-major vectors and their dimension (a shard may differ, to test mismatches).</param>
    public static async Task WriteAsync(IObjectStore store, IReadOnlyList<(float[] Vectors, int Dimension)> shards, NpyDType dtype = NpyDType.Float32,
        string jobId = "embed-job")
    {
        var markers = new List<ShardMarker>();
        for (int shard = 0; shard < shards.Count; shard++)
        {
            var (vectors, dimension) = shards[shard];
            int rows = vectors.Length / dimension;
            using (var npy = new MemoryStream())
            {
                NpyWriter.Write(npy, vectors, rows, dimension, dtype);
                await store.WriteAsync(OutputLayout.Embeddings(shard), npy.ToArray());
            }
            var metadata = Enumerable.Range(0, rows).Select(r => new EmbeddingMetadataRow
            {
                ImagePath = PathOf(shard, r), Shard = shard, Row = r, Width = 64, Height = 64,
            }).ToList();
            using (var parquet = new MemoryStream())
            {
                await ParquetFiles.WriteAsync(parquet, metadata);
                await store.WriteAsync(OutputLayout.Metadata(shard), parquet.ToArray());
            }
            markers.Add(new ShardMarker
            {
                JobId = jobId, Shard = shard, Attempt = "a1", Rows = rows, Failures = 0, EmbeddingDim = dimension,
                Dtype = dtype == NpyDType.Float16 ? "float16" : "float32",
                Files = [OutputLayout.Embeddings(shard), OutputLayout.Metadata(shard)],
            });
        }
        var manifest = new JobManifest
        {
            JobId = jobId, Kind = "embed", State = "Succeeded", EmbeddingDim = shards.Count > 0 ? shards[0].Dimension : null,
            Dtype = markers.FirstOrDefault()?.Dtype, TotalRows = markers.Sum(m => (long)m.Rows), Shards = markers, FinishedAt = DateTimeOffset.UnixEpoch,
        };
        await store.WriteAsync(OutputLayout.ManifestFile, OutputJson.Serialize(manifest));
        await store.WriteAsync(OutputLayout.JobFile, OutputJson.Serialize(new JobRecord
        {
            JobId = jobId, Kind = "embed", Input = "/corpus", Output = store.Location.ToString(), Model = "test-model", WeightsSha256 = "00", OutputDtype = manifest.Dtype ?? "float32",
        }));
        await store.WriteAsync(OutputLayout.SuccessFile, ReadOnlyMemory<byte>.Empty);
    }

    /// <summary>The image path the builder gives row <paramref name="row"/> of <paramref name="shard"/>.</summary>
    public static string PathOf(int shard, int row) => $"images/s{shard}/img_{row:D4}.jpg";

    /// <summary>Seeded clustered vectors (a Gaussian mixture): <paramref name="rows"/> x <paramref name="dimension"/>.</summary>
    public static float[] Clustered(int rows, int dimension, int seed, int clusters = 8, double spread = 0.3)
    {
        var random = new Random(seed);
        var centres = new Random(12345);
        var centre = Enumerable.Range(0, clusters).Select(_ => Enumerable.Range(0, dimension).Select(_ => Gaussian(centres)).ToArray()).ToArray();
        var data = new float[rows * dimension];
        for (int r = 0; r < rows; r++)
        {
            var c = centre[random.Next(clusters)];
            for (int d = 0; d < dimension; d++) data[r * dimension + d] = (float)(c[d] + spread * Gaussian(random));
        }
        return data;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
