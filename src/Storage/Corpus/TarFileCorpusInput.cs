using System.Runtime.CompilerServices;

namespace Pipeline.Storage.Corpus;

/// <summary>One <c>.tar</c> given as the input: a single tar entry with an absolute reference.</summary>
internal sealed class TarFileCorpusInput(string root, StorageLocation location) : CorpusInput(root, null, CorpusInputKind.TarFile)
{
    /// <inheritdoc />
    public override async IAsyncEnumerable<CorpusEntry> EntriesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        yield return new CorpusEntry(Root.Trim().TrimEnd('/'), location.ToString(), CorpusEntryKind.Tar);
        await Task.CompletedTask;
    }
}
