namespace Pipeline.Storage.Corpus;

/// <summary>The formats of manifest files.</summary>
internal enum ManifestFormat
{
    /// <summary>One path a line (UTF-8); blank lines are skipped.</summary>
    Text,

    /// <summary>CSV with a header row and a <c>path</c> or <c>image_path</c> column.</summary>
    Csv,

    /// <summary>Parquet with a string column <c>path</c> or <c>image_path</c>.</summary>
    Parquet,
}
