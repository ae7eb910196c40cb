using System.Globalization;

namespace Pipeline.Index.Sharded;

/// <summary>
/// Keys of an index folder (default <c>&lt;embeddings&gt;/index/&lt;kind&gt;/</c>): <c>index.json</c>, and per shard its
/// index file, its rows (which image each index row is) and its build report. The job machinery's own files
/// (<c>job.json</c>, <c>_plan/</c>, <c>_shards/</c>, <c>manifest.json</c>, <c>_SUCCESS</c>) sit beside them.
/// </summary>
public static class IndexLayout
{
    public const string ManifestFile = "index.json";
    public const string ShardFolder = "shards/";
    public const string DedupFolder = "dedup/";
    public const string DuplicatesFile = DedupFolder + "duplicates.parquet";

    public static string ShardName(int shard) => shard.ToString("D5", CultureInfo.InvariantCulture);

    public static string ShardFile(int shard, string extension) => $"{ShardFolder}{ShardFileName(shard, extension)}";

    public static string ShardFileName(int shard, string extension) => $"shard_{ShardName(shard)}.{extension}";

    /// <summary>Row i of the shard's index is row i of this parquet file: image_path, embedding shard, embedding row.</summary>
    public static string RowsFile(int shard) => $"{ShardFolder}shard_{ShardName(shard)}.rows.parquet";

    public static string BuildReport(int shard) => $"{ShardFolder}shard_{ShardName(shard)}.build.json";
}
