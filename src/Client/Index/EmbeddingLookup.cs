using Pipeline.Index.Embeddings;
using Pipeline.Storage;

namespace Pipeline.Client.Index;

/// <summary>
/// The embeddings of chosen images from an embed output (read shard by shard, kept only for those images): a row-major
/// matrix and the row of each image_path, the shape <see cref="Pipeline.Index.Eval.LabelledFeatures.Gather"/> takes.
/// </summary>
public sealed class EmbeddingLookup
{
    private EmbeddingLookup(string location, string? model, int dimension, float[] matrix, Dictionary<string, int> rowOfImage)
    {
        Location = location;
        Model = model;
        Dimension = dimension;
        Matrix = matrix;
        RowOfImage = rowOfImage;
    }

    public string Location { get; }

    public string? Model { get; }

    public int Dimension { get; }

    /// <summary>Row-major [images, <see cref="Dimension"/>].</summary>
    public float[] Matrix { get; }

    public IReadOnlyDictionary<string, int> RowOfImage { get; }

    public static async Task<EmbeddingLookup> ReadAsync(IObjectStoreFactory stores, string location, IReadOnlySet<string> wanted, CancellationToken cancellationToken)
    {
        var output = await EmbeddingOutput.OpenAsync(stores.Open(StorageLocation.Parse(location)), cancellationToken);
        var rowOfImage = new Dictionary<string, int>(StringComparer.Ordinal);
        var matrix = new List<float>();
        foreach (var marker in output.Shards.Where(m => m.Rows > 0))
        {
            var shard = await output.ReadShardAsync(marker, cancellationToken);
            for (int r = 0; r < shard.Rows; r++)
            {
                var path = shard.Metadata[r].ImagePath;
                if (!wanted.Contains(path) || !rowOfImage.TryAdd(path, rowOfImage.Count)) continue;
                matrix.AddRange(shard.Row(r));
            }
        }
        return new EmbeddingLookup(location, output.Record?.ModelSource ?? output.Record?.Model, output.Dimension ?? 0, [.. matrix], rowOfImage);
    }
}
