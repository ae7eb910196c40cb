using System.Text;
using Pipeline.Storage.Commit;

namespace Pipeline.Storage.Tests.Commit;

/// <summary>
/// The commit protocol on every store kind: each subclass supplies a fresh, empty store per test.
/// </summary>
public abstract class ShardCommitContractTests
{
    private const int Shard = 7;

    /// <summary>A new empty store.</summary>
    protected abstract IObjectStore CreateStore();

    [Fact]
    public async Task AWonCommit_PublishesTheStagedContent_RemovesTheStagedCopies_AndNamesTheAttempt()
    {
        var store = CreateStore();
        var commit = new ShardCommit(store, Shard, "01JATTEMPTA");
        await commit.StageAsync(OutputLayout.Embeddings(Shard), "npy"u8.ToArray());
        await commit.StageAsync(OutputLayout.Metadata(Shard), new MemoryStream("parquet"u8.ToArray()));

        var result = await commit.CommitAsync(Marker());

        Assert.True(result.Won, "the only attempt should win");
        Assert.Equal("01JATTEMPTA", result.Marker.Attempt);
        Assert.Equal([OutputLayout.Embeddings(Shard), OutputLayout.Metadata(Shard)], result.Marker.Files);
        Assert.Equal(Json(result.Marker), Json(await ShardMarkers.ReadAsync(store, Shard)));
        Assert.Equal("npy", await TextAsync(store, OutputLayout.Embeddings(Shard)));
        Assert.Equal("parquet", await TextAsync(store, OutputLayout.Metadata(Shard)));
        Assert.Equal(
            [OutputLayout.Marker(Shard), OutputLayout.Embeddings(Shard), OutputLayout.Metadata(Shard)],
            await KeysAsync(store));
        Assert.True(await ShardPublisher.IsPublishedAsync(store, result.Marker), "a won commit should be published");
    }

    [Fact]
    public async Task ALosingCommit_DeletesItsOwnFiles_AndReturnsTheWinnersMarker()
    {
        var store = CreateStore();
        var first = new ShardCommit(store, Shard, "first");
        var second = new ShardCommit(store, Shard, "second");
        await first.StageAsync(OutputLayout.Embeddings(Shard), "first npy"u8.ToArray());
        await second.StageAsync(OutputLayout.Embeddings(Shard), "second npy"u8.ToArray());
        await second.StageAsync(OutputLayout.Failures(Shard), "second failures"u8.ToArray());

        var won = await first.CommitAsync(Marker());
        var lost = await second.CommitAsync(Marker());

        Assert.True(won.Won, "the first commit should win");
        Assert.False(lost.Won, "the second commit should lose");
        Assert.Equal(Json(won.Marker), Json(lost.Marker));
        Assert.Equal("first npy", await TextAsync(store, OutputLayout.Embeddings(Shard)));
        Assert.Equal([OutputLayout.Marker(Shard), OutputLayout.Embeddings(Shard)], await KeysAsync(store));
    }

    [Fact]
    public async Task ACrashBetweenMarkerAndPublish_IsFinishedByALaterPublish_AndPublishingAgainIsHarmless()
    {
        var store = CreateStore();
        var marker = await CommitThenCrashAsync(store, "crashed");
        Assert.False(await ShardPublisher.IsPublishedAsync(store, marker), "a commit that crashed before publishing should not be published");
        Assert.False(await store.ExistsAsync(OutputLayout.Embeddings(Shard)), "nothing should be published before the publish step");

        await ShardPublisher.PublishAsync(store, (await ShardMarkers.ReadAsync(store, Shard))!);
        await ShardPublisher.PublishAsync(store, marker);

        Assert.True(await ShardPublisher.IsPublishedAsync(store, marker), "a later publish should finish the commit");
        Assert.Equal("crashed npy", await TextAsync(store, OutputLayout.Embeddings(Shard)));
        Assert.Equal("crashed parquet", await TextAsync(store, OutputLayout.Metadata(Shard)));
        Assert.Equal([OutputLayout.Marker(Shard), OutputLayout.Embeddings(Shard), OutputLayout.Metadata(Shard)], await KeysAsync(store));
    }

    [Fact]
    public async Task ConcurrentPublishersOfOneMarker_AllSucceed_AndPublishTheMarkersFiles()
    {
        var store = CreateStore();
        var marker = await CommitThenCrashAsync(store, "crashed");

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => ShardPublisher.PublishAsync(store, marker))));

        Assert.Equal("crashed npy", await TextAsync(store, OutputLayout.Embeddings(Shard)));
        Assert.Equal("crashed parquet", await TextAsync(store, OutputLayout.Metadata(Shard)));
        Assert.Equal([OutputLayout.Marker(Shard), OutputLayout.Embeddings(Shard), OutputLayout.Metadata(Shard)], await KeysAsync(store));
    }

    [Fact]
    public async Task ALaterAttempt_AfterACrashBetweenMarkerAndPublish_LosesAndPublishesTheWinner()
    {
        var store = CreateStore();
        await CommitThenCrashAsync(store, "crashed");
        var later = new ShardCommit(store, Shard, "later");
        await later.StageAsync(OutputLayout.Embeddings(Shard), "later npy"u8.ToArray());

        var result = await later.CommitAsync(Marker());

        Assert.False(result.Won, "the later attempt should lose to the existing marker");
        Assert.Equal("crashed", result.Marker.Attempt);
        Assert.Equal("crashed npy", await TextAsync(store, OutputLayout.Embeddings(Shard)));
        Assert.Equal([OutputLayout.Marker(Shard), OutputLayout.Embeddings(Shard), OutputLayout.Metadata(Shard)], await KeysAsync(store));
    }

    [Fact]
    public async Task Abandon_DeletesTheStagedFiles_ButPublishesThemWhenTheMarkerNamesTheAttempt()
    {
        var store = CreateStore();
        var failed = new ShardCommit(store, Shard, "failed");
        await failed.StageAsync(OutputLayout.Embeddings(Shard), "failed npy"u8.ToArray());
        await failed.AbandonAsync();
        Assert.Empty(await KeysAsync(store));

        var marker = await CommitThenCrashAsync(store, "crashed");
        var sameAttempt = new ShardCommit(store, Shard, "crashed");
        await sameAttempt.StageAsync(OutputLayout.Embeddings(Shard), "crashed npy"u8.ToArray());
        await sameAttempt.AbandonAsync();

        Assert.True(await ShardPublisher.IsPublishedAsync(store, marker), "abandoning the attempt the marker names should publish it, not lose it");
        Assert.Equal("crashed npy", await TextAsync(store, OutputLayout.Embeddings(Shard)));
    }

    [Fact]
    public async Task Sweep_RemovesEveryAttemptsLeftovers_AndNothingElse()
    {
        var store = CreateStore();
        var won = new ShardCommit(store, Shard, "won");
        await won.StageAsync(OutputLayout.Embeddings(Shard), "won"u8.ToArray());
        await won.CommitAsync(Marker());
        var zombie = new ShardCommit(store, Shard, "zombie");
        await zombie.StageAsync(OutputLayout.Embeddings(Shard), "zombie"u8.ToArray());
        var other = new ShardCommit(store, Shard + 1, "crashed");
        await other.StageAsync(OutputLayout.Embeddings(Shard + 1), "crashed"u8.ToArray());

        var swept = await ShardPublisher.SweepAttemptsAsync(store);

        Assert.Equal(2, swept);
        Assert.Equal([OutputLayout.Marker(Shard), OutputLayout.Embeddings(Shard)], await KeysAsync(store));
        Assert.Equal("won", await TextAsync(store, OutputLayout.Embeddings(Shard)));
    }

    [Fact]
    public async Task APublishWhoseFilesAreGone_ThrowsInvalidData_NamingTheFile()
    {
        var store = CreateStore();
        var marker = await CommitThenCrashAsync(store, "crashed");
        await ShardPublisher.SweepAttemptsAsync(store);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ShardPublisher.PublishAsync(store, marker));

        Assert.Contains(OutputLayout.Embeddings(Shard), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StagingTheSameKeyTwice_KeepsTheLastContent_AndNamesTheFileOnce()
    {
        var store = CreateStore();
        var commit = new ShardCommit(store, Shard, "a");
        await commit.StageAsync(OutputLayout.Embeddings(Shard), "one"u8.ToArray());
        await commit.StageAsync(OutputLayout.Embeddings(Shard), "two"u8.ToArray());

        var result = await commit.CommitAsync(Marker());

        Assert.Equal([OutputLayout.Embeddings(Shard)], result.Marker.Files);
        Assert.Equal("two", await TextAsync(store, OutputLayout.Embeddings(Shard)));
    }

    [Fact]
    public async Task ProtocolKeysAndBadAttemptIds_AreRejected()
    {
        var store = CreateStore();
        var commit = new ShardCommit(store, Shard, "a");

        await Assert.ThrowsAsync<ArgumentException>(() => commit.StageAsync(OutputLayout.Marker(Shard), "x"u8.ToArray()));
        await Assert.ThrowsAsync<ArgumentException>(() => commit.StageAsync("_attempts/00007/b/img_emb/x.npy", "x"u8.ToArray()));
        await Assert.ThrowsAsync<ArgumentException>(() => commit.StageAsync("../x.npy", "x"u8.ToArray()));
        await Assert.ThrowsAsync<ArgumentException>(() => commit.CommitAsync(Marker() with { Shard = Shard + 1 }));
        Assert.Throws<ArgumentException>(() => new ShardCommit(store, Shard, "a/b"));
        Assert.Throws<ArgumentException>(() => new ShardCommit(store, Shard, ".."));
        Assert.Empty(await KeysAsync(store));
    }

    private static ShardMarker Marker() => new()
    {
        JobId = "job-1",
        Shard = Shard,
        Attempt = "unset",
        Rows = 10,
        Failures = 0,
        EmbeddingDim = 4,
        Dtype = "float16",
        Files = [],
    };

    /// <summary>Stages two files and creates the marker as <see cref="ShardCommit.CommitAsync"/> would, then stops.</summary>
    private static async Task<ShardMarker> CommitThenCrashAsync(IObjectStore store, string attempt)
    {
        var commit = new ShardCommit(store, Shard, attempt);
        await commit.StageAsync(OutputLayout.Embeddings(Shard), Encoding.UTF8.GetBytes($"{attempt} npy"));
        await commit.StageAsync(OutputLayout.Metadata(Shard), Encoding.UTF8.GetBytes($"{attempt} parquet"));
        var marker = Marker() with { Attempt = attempt, Files = commit.StagedFiles };
        Assert.True(await store.TryCreateAsync(OutputLayout.Marker(Shard), OutputJson.Serialize(marker)), "the marker should not exist yet");
        return marker;
    }

    private static string Json(ShardMarker? marker) => marker is null ? "(no marker)" : Encoding.UTF8.GetString(OutputJson.Serialize(marker));

    private static async Task<string> TextAsync(IObjectStore store, string key) => Encoding.UTF8.GetString(await store.ReadAllBytesAsync(key));

    private static async Task<List<string>> KeysAsync(IObjectStore store)
    {
        var keys = new List<string>();
        await foreach (var entry in store.ListAsync())
        {
            keys.Add(entry.Key);
        }

        return keys;
    }
}
