namespace Pipeline.Storage.Corpus;

/// <summary>What the <c>--input</c> of a job named.</summary>
public enum CorpusInputKind
{
    /// <summary>A local folder or a blob prefix, listed recursively.</summary>
    Folder,

    /// <summary>A <c>.txt</c>, <c>.csv</c> or <c>.parquet</c> manifest of paths.</summary>
    Manifest,

    /// <summary>One WebDataset <c>.tar</c> shard.</summary>
    TarFile,
}
