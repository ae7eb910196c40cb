using System.Globalization;

namespace Pipeline.Storage.Commit;

/// <summary>Object keys of a job's outputs, relative to its output location (DESIGN.md, "Output layout").</summary>
public static class OutputLayout
{
    public const string JobFile = "job.json";
    public const string ManifestFile = "manifest.json";
    public const string SuccessFile = "_SUCCESS";
    public const string MarkerFolder = "_shards/";
    public const string PlanFolder = "_plan/";

    /// <summary>Shard numbers are zero-padded to 5 digits.</summary>
    public static string ShardName(int shard) => shard.ToString("D5", CultureInfo.InvariantCulture);

    public static string Embeddings(int shard) => $"img_emb/img_emb_{ShardName(shard)}.npy";

    public static string PatchEmbeddings(int shard) => $"patch_emb/patch_emb_{ShardName(shard)}.npy";

    public static string Metadata(int shard) => $"metadata/metadata_{ShardName(shard)}.parquet";

    public static string Failures(int shard) => $"failures/failures_{ShardName(shard)}.parquet";

    public static string Marker(int shard) => $"{MarkerFolder}{ShardName(shard)}.done.json";

    /// <summary>The shard's slice of the corpus listing: one input key per line, in listing order.</summary>
    public static string Plan(int shard) => $"{PlanFolder}shard_{ShardName(shard)}.txt";
}
