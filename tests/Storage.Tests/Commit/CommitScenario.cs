using System.Text;
using Pipeline.Storage.Commit;

namespace Pipeline.Storage.Tests.Commit;

/// <summary>
/// Two attempts A and B of one shard, with different contents and different file sets (both write embeddings; A a
/// failures file, B a metadata file), commit under
/// a <see cref="StepScheduler"/>; then a finisher publishes whatever marker exists, a third attempt C commits, and the
/// attempts folder is swept. Checked at every step: at most one marker; no public file before a marker; every public
/// file is the content of the attempt the marker names. Checked at the end: exactly one marker, whose attempt's files
/// are exactly the public files; nothing left under <c>_attempts/</c>.
/// </summary>
public static class CommitScenario
{
    public const int Shard = 3;

    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Contents =
        new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal)
        {
            ["A"] = Files("A", OutputLayout.Failures(Shard)),
            ["B"] = Files("B", OutputLayout.Metadata(Shard)),
            ["C"] = Files("C", OutputLayout.Metadata(Shard)),
        };

    /// <summary>
    /// Whether <paramref name="step"/> commutes with every call of the other actors, so the enumeration need not
    /// interleave it (it still crashes there): a write or delete in the actor's own <c>_attempts/</c> folder while no
    /// marker names that actor. Only publishers of a marker read the staged files it names, so nobody else reads that
    /// folder then; and the actor's marker cannot appear meanwhile, since only the actor itself would create it.
    /// </summary>
    public static bool IsPrivate(StepOption step, string? markerAttempt) =>
        step.Operation is "Write" or "Delete"
        && markerAttempt != step.Actor
        && step.Key.StartsWith(OutputLayout.AttemptFolder(Shard, step.Actor), StringComparison.Ordinal);

    /// <summary>Runs one schedule on an empty <paramref name="store"/>; fails naming the schedule when a check fails.</summary>
    public static async Task RunAsync(IObjectStore store, IStepChooser chooser, bool crashes, bool interleavePrivateSteps)
    {
        StepScheduler? scheduler = null;
        string? markerAttempt = null;
        scheduler = new StepScheduler(
            chooser,
            crashes,
            interleavePrivateSteps ? null : step => IsPrivate(step, markerAttempt),
            async () => markerAttempt = await CheckAsync(store, final: false, scheduler!.Describe));
        var results = new Dictionary<string, CommitResult>(StringComparer.Ordinal);
        await scheduler.RunAsync(
        [
            ("A", async () => results["A"] = await AttemptAsync(scheduler.StoreFor("A", store), "A")),
            ("B", async () => results["B"] = await AttemptAsync(scheduler.StoreFor("B", store), "B")),
        ]);
        if (scheduler.Errors.Count > 0)
        {
            Assert.Fail($"expected no attempt to fail, saw {string.Join("; ", scheduler.Errors.Select(e => $"{e.Key}: {e.Value}"))}\nschedule:\n{scheduler.Describe()}");
        }

        var before = await ShardMarkers.ReadAsync(store, Shard);
        if (before is not null)
        {
            await ShardPublisher.PublishAsync(store, before);
        }

        var third = await AttemptAsync(store, "C");
        await ShardPublisher.SweepAttemptsAsync(store);
        await CheckAsync(store, final: true, scheduler.Describe);

        var marker = (await ShardMarkers.ReadAsync(store, Shard))!;
        var expectedWinner = before?.Attempt ?? "C";
        foreach (var (attempt, result) in results.Append(new("C", third)))
        {
            if (result.Marker.Attempt != expectedWinner || marker.Attempt != expectedWinner || result.Won != (attempt == expectedWinner))
            {
                Assert.Fail($"expected every attempt to report winner {expectedWinner}; {attempt} reported won={result.Won}, marker of " +
                            $"{result.Marker.Attempt}; stored marker names {marker.Attempt}\nschedule:\n{scheduler.Describe()}");
            }
        }
    }

    public static async Task<CommitResult> AttemptAsync(IObjectStore store, string attempt)
    {
        var commit = new ShardCommit(store, Shard, attempt);
        var stream = attempt == "B";
        foreach (var (key, text) in Contents[attempt])
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            if (stream)
            {
                await commit.StageAsync(key, new MemoryStream(bytes));
            }
            else
            {
                await commit.StageAsync(key, bytes);
            }
        }

        return await commit.CommitAsync(NewMarker(rows: Contents[attempt].Count));
    }

    public static ShardMarker NewMarker(int rows) => new()
    {
        JobId = "job-1",
        Shard = Shard,
        Attempt = "unset",
        Rows = rows,
        Failures = 0,
        EmbeddingDim = 4,
        Dtype = "float16",
        Files = [],
    };

    /// <summary>
    /// The checks that hold at every step (and, with <paramref name="final"/>, once everything is finished); returns the
    /// attempt the marker names, or null when there is no marker.
    /// </summary>
    public static async Task<string?> CheckAsync(IObjectStore store, bool final, Func<string> schedule)
    {
        var entries = new List<string>();
        await foreach (var entry in store.ListAsync())
        {
            entries.Add(entry.Key);
        }

        var markers = entries.Where(k => k.StartsWith(OutputLayout.MarkerFolder, StringComparison.Ordinal)).ToList();
        var attempts = entries.Where(k => k.StartsWith(OutputLayout.AttemptsFolder, StringComparison.Ordinal)).ToList();
        var published = entries.Except(markers).Except(attempts).ToList();
        string Where() => $"\nobjects: {string.Join(", ", entries)}\nschedule:\n{schedule()}";

        if (markers.Count > 1 || (final && markers.Count != 1) || (markers.Count == 1 && markers[0] != OutputLayout.Marker(Shard)))
        {
            Assert.Fail($"expected {(final ? "exactly" : "at most")} one marker {OutputLayout.Marker(Shard)}, saw [{string.Join(", ", markers)}]{Where()}");
        }

        if (markers.Count == 0)
        {
            if (published.Count > 0)
            {
                Assert.Fail($"expected no public file before a marker exists, saw [{string.Join(", ", published)}]{Where()}");
            }

            return null;
        }

        var marker = OutputJson.Deserialize<ShardMarker>(await store.ReadAllBytesAsync(markers[0]));
        var expected = Contents[marker.Attempt];
        foreach (var key in published)
        {
            var content = Encoding.UTF8.GetString(await store.ReadAllBytesAsync(key));
            if (!expected.TryGetValue(key, out var want) || content != want)
            {
                Assert.Fail($"the marker names attempt {marker.Attempt}: expected '{key}' to hold '{want ?? "(no such file)"}', saw '{content}'{Where()}");
            }
        }

        if (final)
        {
            var files = marker.Files.Order(StringComparer.Ordinal).ToList();
            if (!files.SequenceEqual(expected.Keys.Order(StringComparer.Ordinal))
                || !published.Order(StringComparer.Ordinal).SequenceEqual(files)
                || attempts.Count > 0)
            {
                Assert.Fail($"expected the public files and the marker's files to be exactly attempt {marker.Attempt}'s " +
                            $"[{string.Join(", ", expected.Keys)}] and nothing under {OutputLayout.AttemptsFolder}; marker names " +
                            $"[{string.Join(", ", marker.Files)}]{Where()}");
            }
        }

        return marker.Attempt;
    }

    private static Dictionary<string, string> Files(string attempt, string secondFile) => new(StringComparer.Ordinal)
    {
        [OutputLayout.Embeddings(Shard)] = $"embeddings of attempt {attempt}",
        [secondFile] = $"{secondFile} of attempt {attempt}",
    };
}
