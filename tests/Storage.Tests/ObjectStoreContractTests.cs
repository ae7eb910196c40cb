using System.Text;

namespace Pipeline.Storage.Tests;

/// <summary>
/// The <see cref="IObjectStore"/> contract, run unchanged against every implementation: each subclass supplies a
/// fresh, empty store per test.
/// </summary>
public abstract class ObjectStoreContractTests
{
    /// <summary>A new empty store, opened on a location with a non-empty prefix where the kind has one.</summary>
    protected abstract IObjectStore CreateStore();

    /// <summary>Opens another store on <paramref name="location"/> of the same kind and account.</summary>
    protected abstract IObjectStore Open(StorageLocation location);

    [Fact]
    public async Task WriteThenRead_ReturnsTheSameBytes_ThroughEveryReadMethod()
    {
        var store = CreateStore();
        var content = Encoding.UTF8.GetBytes("hello, shard 00001");

        await store.WriteAsync("dir/with space/ü.txt", content);

        Assert.Equal(content, await store.ReadAllBytesAsync("dir/with space/ü.txt"));
        await using var stream = await store.OpenReadAsync("dir/with space/ü.txt");
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(content, copy.ToArray());
        Assert.True(await store.ExistsAsync("dir/with space/ü.txt"), "expected the written key to exist");
    }

    [Fact]
    public async Task WriteStream_WritesTheRestOfTheStream_AndOverwrites()
    {
        var store = CreateStore();
        await store.WriteAsync("a.bin", new byte[] { 9, 9, 9, 9, 9 });

        using var seekable = new MemoryStream([0, 1, 2, 3, 4, 5]) { Position = 2 };
        await store.WriteAsync("a.bin", seekable);
        Assert.Equal(new byte[] { 2, 3, 4, 5 }, await store.ReadAllBytesAsync("a.bin"));

        await store.WriteAsync("b.bin", new NonSeekableStream([7, 8, 9]));
        Assert.Equal(new byte[] { 7, 8, 9 }, await store.ReadAllBytesAsync("b.bin"));
    }

    [Fact]
    public async Task EmptyObject_RoundTrips()
    {
        var store = CreateStore();
        await store.WriteAsync("_SUCCESS", ReadOnlyMemory<byte>.Empty);

        Assert.Empty(await store.ReadAllBytesAsync("_SUCCESS"));
        var entry = Assert.Single(await ListAsync(store));
        Assert.Equal(new ObjectEntry("_SUCCESS", 0), entry);
    }

    [Fact]
    public async Task List_IsRecursive_OrdinalSorted_WithSizes()
    {
        var store = CreateStore();
        string[] keys = ["b.txt", "a/z.bin", "a-c.txt", "a/b/c.txt", "A.txt", "_shards/00001.done.json", "a/b/a.txt"];
        for (var i = 0; i < keys.Length; i++)
        {
            await store.WriteAsync(keys[i], new byte[i + 1]);
        }

        var listed = await ListAsync(store);

        var expected = keys.Select((k, i) => new ObjectEntry(k, i + 1)).OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, listed);
    }

    [Fact]
    public async Task List_WithPrefix_MatchesByStringPrefix()
    {
        var store = CreateStore();
        foreach (var key in new[] { "img_emb/img_emb_00000.npy", "img_emb/img_emb_00001.npy", "img_emb2/x.npy", "metadata/m.parquet" })
        {
            await store.WriteAsync(key, new byte[] { 1 });
        }

        Assert.Equal(["img_emb/img_emb_00000.npy", "img_emb/img_emb_00001.npy"], (await ListAsync(store, "img_emb/")).Select(e => e.Key));
        Assert.Equal(["img_emb/img_emb_00000.npy", "img_emb/img_emb_00001.npy", "img_emb2/x.npy"], (await ListAsync(store, "img_emb")).Select(e => e.Key));
        Assert.Equal(["img_emb/img_emb_00001.npy"], (await ListAsync(store, "img_emb/img_emb_00001")).Select(e => e.Key));
        Assert.Empty(await ListAsync(store, "nothing/"));
    }

    [Fact]
    public async Task EmptyStore_ListsNothing_AndKeysDoNotExist()
    {
        var store = CreateStore();

        Assert.Empty(await ListAsync(store));
        Assert.False(await store.ExistsAsync("missing.txt"), "expected a key in an empty store not to exist");
    }

    [Fact]
    public async Task TryCreate_IsWriteOnce_AndKeepsTheFirstContent()
    {
        var store = CreateStore();

        Assert.True(await store.TryCreateAsync("_shards/00003.done.json", "first"u8.ToArray()), "first create should succeed");
        Assert.False(await store.TryCreateAsync("_shards/00003.done.json", "second"u8.ToArray()), "second create should report the key exists");

        Assert.Equal("first", Encoding.UTF8.GetString(await store.ReadAllBytesAsync("_shards/00003.done.json")));
        Assert.Equal(["_shards/00003.done.json"], (await ListAsync(store)).Select(e => e.Key));
    }

    [Fact]
    public async Task TryCreate_OverAnObjectWrittenByWrite_ReturnsFalse()
    {
        var store = CreateStore();
        await store.WriteAsync("marker", "written"u8.ToArray());

        Assert.False(await store.TryCreateAsync("marker", "created"u8.ToArray()), "create over an existing object should fail");
        Assert.Equal("written", Encoding.UTF8.GetString(await store.ReadAllBytesAsync("marker")));
    }

    [Fact]
    public async Task TryCreate_RacingCreators_ExactlyOneWins_AndItsContentIsStored()
    {
        var store = CreateStore();
        var contents = Enumerable.Range(0, 8).Select(i => Encoding.UTF8.GetBytes($"worker-{i}")).ToArray();

        // Many rounds: a check-then-rename race lets two creators win only now and then.
        for (int round = 0; round < 20; round++)
        {
            var key = $"_shards/{round:D5}.done.json";
            var results = await Task.WhenAll(contents.Select(c => Task.Run(() => store.TryCreateAsync(key, c))));

            Assert.True(results.Count(r => r) == 1, $"round {round}: expected exactly one creator to win, {results.Count(r => r)} did");
            var winner = contents[Array.IndexOf(results, true)];
            Assert.Equal(winner, await store.ReadAllBytesAsync(key));
        }
    }

    [Fact]
    public async Task Delete_RemovesTheObject_AndMissingKeysAreNotAnError()
    {
        var store = CreateStore();
        await store.WriteAsync("tmp/x.bin", new byte[] { 1, 2 });

        await store.DeleteAsync("tmp/x.bin");
        await store.DeleteAsync("tmp/x.bin");
        await store.DeleteAsync("never/was.bin");

        Assert.False(await store.ExistsAsync("tmp/x.bin"), "expected the deleted key to be gone");
        Assert.Empty(await ListAsync(store));
    }

    [Fact]
    public async Task ReadingAMissingKey_ThrowsFileNotFound_NamingTheKey()
    {
        var store = CreateStore();

        var all = await Assert.ThrowsAsync<FileNotFoundException>(() => store.ReadAllBytesAsync("no/such.npy"));
        var open = await Assert.ThrowsAsync<FileNotFoundException>(() => store.OpenReadAsync("no/such.npy"));

        Assert.Contains("no/such.npy", all.Message, StringComparison.Ordinal);
        Assert.Equal("no/such.npy", open.FileName);
    }

    [Fact]
    public async Task Copy_CreatesOrReplacesTheDestination_AndKeepsTheSource()
    {
        var store = CreateStore();
        await store.WriteAsync("_attempts/00001/a/img_emb/img_emb_00001.npy", "staged embeddings"u8.ToArray());
        await store.WriteAsync("img_emb/img_emb_00002.npy", "old"u8.ToArray());

        await store.CopyAsync("_attempts/00001/a/img_emb/img_emb_00001.npy", "img_emb/img_emb_00001.npy");
        await store.CopyAsync("_attempts/00001/a/img_emb/img_emb_00001.npy", "img_emb/img_emb_00002.npy");

        Assert.Equal("staged embeddings", Encoding.UTF8.GetString(await store.ReadAllBytesAsync("img_emb/img_emb_00001.npy")));
        Assert.Equal("staged embeddings", Encoding.UTF8.GetString(await store.ReadAllBytesAsync("img_emb/img_emb_00002.npy")));
        Assert.Equal(
            ["_attempts/00001/a/img_emb/img_emb_00001.npy", "img_emb/img_emb_00001.npy", "img_emb/img_emb_00002.npy"],
            (await ListAsync(store)).Select(e => e.Key));
    }

    [Fact]
    public async Task Copy_OfEmptyAndLargeObjects_CopiesEveryByte()
    {
        var store = CreateStore();
        var large = new byte[3 * 1024 * 1024 + 17];
        new Random(7).NextBytes(large);
        await store.WriteAsync("src/large.bin", large);
        await store.WriteAsync("src/empty.bin", ReadOnlyMemory<byte>.Empty);

        await store.CopyAsync("src/large.bin", "dst/large.bin");
        await store.CopyAsync("src/empty.bin", "dst/empty.bin");

        var copied = await store.ReadAllBytesAsync("dst/large.bin");
        Assert.True(large.AsSpan().SequenceEqual(copied), $"the copy of a {large.Length}-byte object differs from its source ({copied.Length} bytes)");
        Assert.Empty(await store.ReadAllBytesAsync("dst/empty.bin"));
    }

    [Fact]
    public async Task Copy_OfAMissingSource_ThrowsFileNotFound_AndLeavesTheDestination()
    {
        var store = CreateStore();
        await store.WriteAsync("final.npy", "kept"u8.ToArray());

        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => store.CopyAsync("staged/missing.npy", "final.npy"));
        await Assert.ThrowsAsync<FileNotFoundException>(() => store.CopyAsync("never/was.npy", "other/new.npy"));

        Assert.Equal("staged/missing.npy", error.FileName);
        Assert.Equal("kept", Encoding.UTF8.GetString(await store.ReadAllBytesAsync("final.npy")));
        Assert.Equal(["final.npy"], (await ListAsync(store)).Select(e => e.Key));
    }

    [Fact]
    public async Task ConcurrentCopiesOfOneSource_AllSucceed_AndTheDestinationIsWhole()
    {
        var store = CreateStore();
        var content = Enumerable.Range(0, 200_000).Select(i => (byte)i).ToArray();
        await store.WriteAsync("staged.bin", content);

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => store.CopyAsync("staged.bin", "final.bin"))));

        var copied = await store.ReadAllBytesAsync("final.bin");
        Assert.True(content.AsSpan().SequenceEqual(copied), $"racing copies left a destination that differs from the source ({copied.Length} of {content.Length} bytes)");
        Assert.Equal(["final.bin", "staged.bin"], (await ListAsync(store)).Select(e => e.Key));
    }

    [Fact]
    public async Task Copy_RejectsInvalidKeys()
    {
        var store = CreateStore();
        await store.WriteAsync("ok.bin", new byte[] { 1 });

        await Assert.ThrowsAsync<ArgumentException>(() => store.CopyAsync("../escape", "ok2.bin"));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CopyAsync("ok.bin", "a//b"));
        Assert.Equal(["ok.bin"], (await ListAsync(store)).Select(e => e.Key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/abs")]
    [InlineData("../escape")]
    [InlineData("a/../../b")]
    [InlineData("a//b")]
    [InlineData("a/./b")]
    [InlineData("dir/")]
    [InlineData("back\\slash")]
    public async Task InvalidKeys_AreRejected_BeforeAnyIo(string key)
    {
        var store = CreateStore();

        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteAsync(key, new byte[] { 1 }));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ReadAllBytesAsync(key));
        Assert.Empty(await ListAsync(store));
    }

    [Fact]
    public async Task NestedLocations_SeeTheSameObjects_UnderLongerKeys()
    {
        var store = CreateStore();
        var nested = Open(store.Location.Combine("jobs/job-1"));

        await nested.WriteAsync("img_emb/img_emb_00000.npy", new byte[] { 1, 2, 3 });
        await store.WriteAsync("jobs/job-10/other.txt", new byte[] { 4 });

        Assert.Equal([new ObjectEntry("img_emb/img_emb_00000.npy", 3)], await ListAsync(nested));
        Assert.Equal(new byte[] { 1, 2, 3 }, await store.ReadAllBytesAsync("jobs/job-1/img_emb/img_emb_00000.npy"));
        Assert.Equal(["jobs/job-1/img_emb/img_emb_00000.npy", "jobs/job-10/other.txt"], (await ListAsync(store)).Select(e => e.Key));
    }

    protected static async Task<List<ObjectEntry>> ListAsync(IObjectStore store, string prefix = "")
    {
        var entries = new List<ObjectEntry>();
        await foreach (var entry in store.ListAsync(prefix))
        {
            entries.Add(entry);
        }

        return entries;
    }

    /// <summary>A read-only stream that cannot seek, like a network body.</summary>
    protected sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Position
        {
            get => base.Position;
            set => throw new NotSupportedException("not seekable");
        }

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException("not seekable");
    }
}
