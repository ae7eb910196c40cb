namespace Pipeline.Storage.Tests.Local;

/// <summary>The store contract on a temp folder, plus what only a file system store has to show: atomic writes.</summary>
public sealed class LocalObjectStoreTests : ObjectStoreContractTests, IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    protected override IObjectStore CreateStore() =>
        new LocalObjectStore(StorageLocation.ForLocalFolder(Path.Join(folder.Path, Guid.NewGuid().ToString("N"))));

    protected override IObjectStore Open(StorageLocation location) => new LocalObjectStore(location);

    [Fact]
    public async Task AWriteThatFailsMidway_LeavesThePreviousContent_AndNoTempFile()
    {
        var store = CreateStore();
        await store.WriteAsync("shard.npy", "complete old shard"u8.ToArray());

        var failing = new FailingStream(bytesBeforeFailure: 70_000);
        await Assert.ThrowsAsync<IOException>(() => store.WriteAsync("shard.npy", failing));

        Assert.Equal("complete old shard"u8.ToArray(), await store.ReadAllBytesAsync("shard.npy"));
        var files = Directory.GetFiles(store.Location.LocalRoot!, "*", SearchOption.AllDirectories).Select(Path.GetFileName);
        Assert.Equal(["shard.npy"], files);
    }

    [Fact]
    public async Task AFirstWriteThatFails_LeavesNoFileUnderTheKey()
    {
        var store = CreateStore();

        await Assert.ThrowsAsync<IOException>(() => store.WriteAsync("new/shard.npy", new FailingStream(bytesBeforeFailure: 10)));

        Assert.False(await store.ExistsAsync("new/shard.npy"), "a failed first write must not leave a file under the key");
        Assert.Empty(Directory.GetFiles(store.Location.LocalRoot!, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task TempFilesOfWritesInProgress_AreNotListed()
    {
        var store = CreateStore();
        await store.WriteAsync("a/real.bin", new byte[] { 1 });
        await File.WriteAllBytesAsync(Path.Join(store.Location.LocalRoot, "a", ".real.bin.0123456789abcdef.tmp"), [1, 2]);

        Assert.Equal([new ObjectEntry("a/real.bin", 1)], await ListAsync(store));
    }

    [Fact]
    public async Task Keys_MapToFilesUnderTheRoot()
    {
        var store = CreateStore();

        await store.WriteAsync("img_emb/img_emb_00000.npy", new byte[] { 5, 6 });

        Assert.Equal(new byte[] { 5, 6 }, await File.ReadAllBytesAsync(Path.Join(store.Location.LocalRoot, "img_emb", "img_emb_00000.npy")));
    }

    /// <summary>Yields zeros, then throws as a dropped connection would.</summary>
    private sealed class FailingStream(int bytesBeforeFailure) : Stream
    {
        private int left = bytesBeforeFailure;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (left == 0)
            {
                throw new IOException("connection reset (simulated)");
            }

            var n = Math.Min(count, left);
            Array.Clear(buffer, offset, n);
            left -= n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
