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

    /// <summary>
    /// Attempt-scoped staging of shard files (DESIGN.md, step 5): an attempt writes here, and the files under the final
    /// names are published from the attempt its marker names. Readers never look here; it is emptied at finalisation.
    /// </summary>
    public const string AttemptsFolder = "_attempts/";

    /// <summary>Written by planning once every <see cref="Plan"/> file of the job exists.</summary>
    public const string PlanComplete = $"{PlanFolder}_complete.json";

    /// <summary>Shard numbers are zero-padded to 5 digits.</summary>
    public static string ShardName(int shard) => shard.ToString("D5", CultureInfo.InvariantCulture);

    public static string Embeddings(int shard) => $"img_emb/img_emb_{ShardName(shard)}.npy";

    public static string PatchEmbeddings(int shard) => $"patch_emb/patch_emb_{ShardName(shard)}.npy";

    /// <summary>
    /// Patch tokens of the shard's images whose patch grid is <paramref name="gridHeight"/> x <paramref name="gridWidth"/>
    /// (images at their own size): <c>patch_emb/patch_emb_&lt;shard&gt;_&lt;gh&gt;x&lt;gw&gt;.npy</c>, [rows, gh * gw, dim].
    /// </summary>
    public static string PatchEmbeddings(int shard, int gridHeight, int gridWidth) =>
        string.Create(CultureInfo.InvariantCulture, $"patch_emb/patch_emb_{ShardName(shard)}_{gridHeight}x{gridWidth}.npy");

    public static string Metadata(int shard) => $"metadata/metadata_{ShardName(shard)}.parquet";

    /// <summary>A generated image: <c>images/&lt;shard&gt;/&lt;row&gt;.png</c>, both zero-padded to 5 digits.</summary>
    public static string Image(int shard, int row) => $"images/{ShardName(shard)}/{ShardName(row)}.png";

    public static string Failures(int shard) => $"failures/failures_{ShardName(shard)}.parquet";

    public static string Marker(int shard) => $"{MarkerFolder}{ShardName(shard)}.done.json";

    /// <summary>Written when a shard failed every attempt; it has no output files.</summary>
    public static string FailedMarker(int shard) => $"{MarkerFolder}{ShardName(shard)}.failed.json";

    /// <summary>The folder of every staged file of one attempt of one shard.</summary>
    public static string AttemptFolder(int shard, string attemptId)
    {
        ValidateAttemptId(attemptId);
        return $"{AttemptsFolder}{ShardName(shard)}/{attemptId}/";
    }

    /// <summary>Where attempt <paramref name="attemptId"/> of <paramref name="shard"/> stages <paramref name="finalKey"/>.</summary>
    public static string Staged(int shard, string attemptId, string finalKey)
    {
        ObjectKeys.Validate(finalKey, nameof(finalKey));
        return AttemptFolder(shard, attemptId) + finalKey;
    }

    /// <summary>
    /// Attempt ids become one key segment: 1 to 64 characters of ASCII letters, digits, '-', '_' and '.', not '.' or '..'
    /// (a ULID or a GUID fits).
    /// </summary>
    public static void ValidateAttemptId(string attemptId)
    {
        ArgumentNullException.ThrowIfNull(attemptId);
        if (attemptId.Length is 0 or > 64 || attemptId is "." or ".."
            || !attemptId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException(
                $"Attempt id '{attemptId}' must be 1-64 characters of ASCII letters, digits, '-', '_' and '.'.", nameof(attemptId));
        }
    }

    /// <summary>The shard's slice of the corpus listing: one input key per line, in listing order.</summary>
    public static string Plan(int shard) => $"{PlanFolder}shard_{ShardName(shard)}.txt";
}
