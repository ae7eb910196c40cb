namespace Pipeline.Storage.Tests.Commit;

/// <summary>The commit protocol on local folders.</summary>
public sealed class LocalShardCommitTests : ShardCommitContractTests, IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    protected override IObjectStore CreateStore() =>
        new LocalObjectStore(StorageLocation.ForLocalFolder(Path.Join(folder.Path, Guid.NewGuid().ToString("N"))));
}
