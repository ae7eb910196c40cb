using Pipeline.Index.Embeddings;
using Pipeline.Storage;

namespace Pipeline.Client.Index;

/// <summary>The embeddings of chosen images from an embed output, by image_path (read shard by shard, kept only for those images).</summary>
public sealed class EmbeddingLookup
{
    private EmbeddingLookup(string location, string? model, int dimension, Dictionary<string, float[]> vectors)
    {
        Location = location;
        Model = model;
        Dimension = dimension;
        Vectors = vectors;
    }

    public string Location { get; }

    public string? Model { get; }

    public int Dimension { get; }

    public IReadOnlyDictionary<string, float[]> Vectors { get; }

    public static async Task<EmbeddingLookup> ReadAsync(IObjectStoreFactory stores, string location, IReadOnlySet<string> wanted, CancellationToken cancellationToken)
    {
        var output = await EmbeddingOutput.OpenAsync(stores.Open(StorageLocation.Parse(location)), cancellationToken);
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var marker in output.Shards.Where(m => m.Rows > 0))
        {
            var shard = await output.ReadShardAsync(marker, cancellationToken);
            for (int r = 0; r < shard.Rows; r++)
            {
                var path = shard.Metadata[r].ImagePath;
                if (wanted.Contains(path) && !vectors.ContainsKey(path)) vectors[path] = shard.Row(r).ToArray();
            }
        }
        return new EmbeddingLookup(location, output.Record?.ModelSource ?? output.Record?.Model, output.Dimension ?? 0, vectors);
    }
}
