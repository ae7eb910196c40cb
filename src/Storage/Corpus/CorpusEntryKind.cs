namespace Pipeline.Storage.Corpus;

/// <summary>What a <see cref="CorpusEntry"/> names: one image, or a WebDataset <c>.tar</c> shard of images.</summary>
public enum CorpusEntryKind
{
    /// <summary>One image file or blob.</summary>
    Image,

    /// <summary>A <c>.tar</c> whose image members are streamed out by <see cref="TarMembers"/>.</summary>
    Tar,
}
