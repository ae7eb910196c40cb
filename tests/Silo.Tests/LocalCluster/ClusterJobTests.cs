using System.Diagnostics;
using System.Text.Json;
using Pipeline.Silo.Tests.Support;
using Xunit.Abstractions;

namespace Pipeline.Silo.Tests.LocalCluster;

/// <summary>
/// Embed jobs on a real 3-silo cluster (infra/local-cluster/cluster.sh: Azurite + pipeline-silo processes), driven through
/// the <c>pipeline</c> CLI, disturbed mid-job: a silo killed with SIGKILL, Azurite killed and restarted. Each job must
/// still end CompletedWithErrors (exit code 2: the corrupt files) with exactly one row per readable image and the same
/// embeddings as an undisturbed embedded run. Outputs are read back with the Azure SDK, NPY headers and hyparquet.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ClusterJobTests(ClusterJobCorpus corpus, ITestOutputHelper log) : IClassFixture<ClusterJobCorpus>
{
    private const int Silos = 3;
    private const string Container = "cluster-jobs";
    private static readonly TimeSpan CliTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(6);

    /// <summary>Below the 60 s lease: the killed silo's lease must come back when the cluster declares it dead.</summary>
    private static readonly TimeSpan GoesOnWithin = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task KillingASiloMidJobLosesNothingAndDuplicatesNothing()
    {
        await using var cluster = await ClusterScript.UpAsync(Silos, slots: 1);
        cluster.KeepState = true;

        var undisturbed = await RunToEndAsync(cluster, "undisturbed-" + Suffix(), goesOnWhen: null, disturb: null);
        var killedJob = "kill-" + Suffix();
        var killed = await RunToEndAsync(cluster, killedJob, IsLeaseReturnOrRecovery, async () =>
        {
            var pids = await cluster.PidsAsync();
            Assert.True(pids.Count == Silos, $"expected {Silos} silo pids, saw {string.Join(", ", pids)}");
            Posix.Signal(pids[0], Posix.SigKill);
            log.WriteLine($"kill -9 {pids[0]} (silo 1 of {string.Join(", ", pids)})");
        });

        log.WriteLine($"embedded reference: {corpus.ReferenceWallTime.TotalSeconds:0.0} s wall; undisturbed cluster job: {undisturbed.JobTime.TotalSeconds:0.0} s; killed-silo job: {killed.JobTime.TotalSeconds:0.0} s");
        log.WriteLine($"killed-silo job went on {killed.GoesOnAfter?.TotalSeconds.ToString("0.0") ?? "?"} s after the kill");
        Assert.True(killed.GoesOnAfter is { } goesOn && goesOn < GoesOnWithin,
            $"expected the job to go on (the dead silo's lease back in the queue) within {GoesOnWithin.TotalSeconds:0} s of the kill, saw {killed.GoesOnAfter?.TotalSeconds.ToString("0.0") ?? "never"}");
        cluster.KeepState = false;
    }

    [Fact]
    public Task RestartingAzuriteMidJobRecoversAndCompletes() => RestartAzuriteMidJobAsync();

    private async Task RestartAzuriteMidJobAsync(params string[] options)
    {
        await using var cluster = await ClusterScript.UpAsync(Silos, slots: 1);
        cluster.KeepState = true;

        // Goes on = a task staged after Azurite answers again.
        var restarted = await RunToEndAsync(cluster, "azurite-" + Suffix(), IsStaged, async () =>
        {
            var watch = Stopwatch.StartNew();
            await cluster.RestartAzuriteAsync(options);
            log.WriteLine($"cluster.sh restart-azurite {string.Join(' ', options)} took {watch.Elapsed.TotalSeconds:0.0} s");
        });

        log.WriteLine($"embedded reference: {corpus.ReferenceWallTime.TotalSeconds:0.0} s wall; job with Azurite restarted: {restarted.JobTime.TotalSeconds:0.0} s, went on {restarted.GoesOnAfter?.TotalSeconds.ToString("0.0") ?? "?"} s after the restart began");
        cluster.KeepState = false;
    }

    private sealed record Run(TimeSpan JobTime, TimeSpan? GoesOnAfter);

    /// <summary>
    /// Submits with <c>--no-wait</c>, runs <paramref name="disturb"/> once a few tasks are committed, follows the job with
    /// <c>status --json</c> to its end, checks <c>status --watch</c>'s exit code, and checks the output against the reference.
    /// </summary>
    private async Task<Run> RunToEndAsync(ClusterScript cluster, string jobId, Func<SiloLog.Entry, bool>? goesOnWhen, Func<Task>? disturb)
    {
        var prefix = "runs/" + jobId;
        var submit = await CliRun.RunAsync(cluster.Exports, CliTimeout, corpus.EmbedArguments($"az://{Container}/{prefix}", "--job-id", jobId, "--no-wait"));
        Assert.True(submit.ExitCode == 0, $"expected embed --no-wait to submit {jobId}, {submit}");
        Assert.Equal(jobId, submit.Json().GetProperty("job_id").GetString());

        TimeSpan? goesOn = null;
        Stopwatch? sinceDisturbance = null;
        if (disturb is not null)
        {
            // The silo logs say at once when tasks are staged; `pipeline status` takes seconds per call on a loaded machine.
            await Poll.UntilAsync(() => JobEntries(cluster, jobId).Count(IsStaged) >= 3 || JobEntries(cluster, jobId).Any(IsEnd), TimeSpan.FromMinutes(3),
                () => $"expected {jobId} to stage 3 tasks\n{cluster.LogTails()}");
            Assert.False(JobEntries(cluster, jobId).Any(IsEnd), $"expected {jobId} to still run when disturbed; it ended already");
            var at = DateTimeOffset.UtcNow;
            sinceDisturbance = Stopwatch.StartNew();
            await disturb();
            var disturbed = DateTimeOffset.UtcNow;
            log.WriteLine($"{jobId}: disturbed at {at:HH:mm:ss.fff} UTC with {JobEntries(cluster, jobId).Count(IsStaged)} tasks staged");
            goesOn = await GoesOnAfterAsync(cluster, jobId, at, disturbed, goesOnWhen!);
        }
        var final = await PollAsync(cluster, jobId, s => s.IsFinal, JobTimeout, sinceDisturbance);
        log.WriteLine($"{jobId} final: {final}; job time {(final.FinishedAt - final.SubmittedAt).TotalSeconds:0.0} s (submitted_at to finished_at)");

        var watched = await CliRun.RunAsync(cluster.Exports, CliTimeout, "status", jobId, "--watch", "--json");
        Assert.True(watched.ExitCode == 2, $"expected status --watch to end with exit code 2 (completed with errors: {ClusterJobCorpus.Corrupt} corrupt files), {watched}\n{cluster.LogTails()}");
        Assert.Equal("CompletedWithErrors", watched.Json().GetProperty("state").GetString());

        var local = await EmbedOutputFolder.DownloadAsync(cluster.Exports["Pipeline__Storage__ConnectionString"], Container, prefix, Path.Combine(corpus.Root, jobId));
        AssertSameAsReference(jobId, await EmbedOutputFolder.ReadAsync(local));
        return new Run(final.FinishedAt - final.SubmittedAt, goesOn);
    }

    private void AssertSameAsReference(string jobId, EmbedOutputFolder output)
    {
        var reference = corpus.Reference;
        Assert.True(output.HasSuccessMarker, $"{jobId}: expected _SUCCESS in the output");
        var duplicates = output.MetadataPaths.GroupBy(p => p).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"{jobId}: expected every image_path once, {duplicates.Count} repeat: {string.Join(", ", duplicates.Take(5))}");
        Assert.True(output.MetadataPaths.Count == ClusterJobCorpus.Images,
            $"{jobId}: expected {ClusterJobCorpus.Images} rows (the readable images), saw {output.MetadataPaths.Count}");
        var names = output.MetadataPaths.Select(Path.GetFileName).Order().ToList();
        Assert.Equal(corpus.Readable.Order(), names);
        Assert.True(output.FailedPaths.Count == ClusterJobCorpus.Corrupt,
            $"{jobId}: expected {ClusterJobCorpus.Corrupt} failure records, saw {output.FailedPaths.Count}: {string.Join(", ", output.FailedPaths)}");
        Assert.Equal((reference.DType, reference.Dimension), (output.DType, output.Dimension));
        var differing = reference.Rows.Where(r => !output.Rows.TryGetValue(r.Key, out var row) || !row.AsSpan().SequenceEqual(r.Value)).Select(r => r.Key).ToList();
        Assert.True(differing.Count == 0,
            $"{jobId}: expected the embeddings of the undisturbed embedded run, {differing.Count} rows differ or lack: {string.Join(", ", differing.Take(5))}");
    }

    private static IEnumerable<SiloLog.Entry> JobEntries(ClusterScript cluster, string jobId) =>
        SiloLog.Read(cluster.LogsFolder).Where(e => e.Message.StartsWith($"job {jobId} ", StringComparison.Ordinal) || e.Message.StartsWith($"job {jobId}:", StringComparison.Ordinal));

    private static bool IsStaged(SiloLog.Entry e) => e.Message.EndsWith(" staged", StringComparison.Ordinal);

    private static bool IsLeaseReturnOrRecovery(SiloLog.Entry e) =>
        e.Message.Contains("back to the queue", StringComparison.Ordinal) || e.Message.Contains(": recovered ", StringComparison.Ordinal);

    private static bool IsEnd(SiloLog.Entry e) => e.Message.Contains(": Succeeded,", StringComparison.Ordinal) || e.Message.Contains(": CompletedWithErrors,", StringComparison.Ordinal);

    /// <summary>
    /// How long after the disturbance the job went on without what was lost, from the silo log times: the first lease
    /// returned to the queue, or the job grain recovered on a survivor. Logs what the survivors did with the lost tasks.
    /// </summary>
    private async Task<TimeSpan?> GoesOnAfterAsync(ClusterScript cluster, string jobId, DateTimeOffset at, DateTimeOffset disturbed, Func<SiloLog.Entry, bool> goesOnWhen)
    {
        var after = () => JobEntries(cluster, jobId).Where(e => SiloLog.Since(at, e.TimeOfDay) >= TimeSpan.Zero).ToList();
        bool GoesOn(SiloLog.Entry e) => goesOnWhen(e) && SiloLog.Since(disturbed, e.TimeOfDay) >= TimeSpan.Zero;
        await Poll.UntilAsync(() => after().Any(e => GoesOn(e) || IsEnd(e)), JobTimeout, () => $"expected {jobId} to go on after the disturbance\n{cluster.LogTails()}");
        var entries = after();
        var first = entries.FirstOrDefault(GoesOn);
        foreach (var e in entries.Where(e => !IsStaged(e) || e.Message.Contains("attempt", StringComparison.Ordinal)).Take(20))
            log.WriteLine($"  log +{SiloLog.Since(at, e.TimeOfDay).TotalSeconds:0.000} s {e.File}: {e.Message}");
        return first is null ? null : SiloLog.Since(at, first.TimeOfDay);
    }

    private sealed record Status(string State, bool IsFinal, int Completed, int Running, int Failed, int Total, DateTimeOffset SubmittedAt, DateTimeOffset FinishedAt)
    {
        public override string ToString() => $"{State}, tasks {Completed}/{Total} done, {Running} running, {Failed} failed";
    }

    /// <summary>Asks <c>pipeline status --json</c> until the condition holds; a status that does not answer (the cluster recovering) is logged and retried.</summary>
    private async Task<Status> PollAsync(ClusterScript cluster, string jobId, Func<Status, bool> condition, TimeSpan timeout, Stopwatch? since = null)
    {
        var watch = Stopwatch.StartNew();
        var last = "";
        while (watch.Elapsed < timeout)
        {
            var run = await CliRun.RunAsync(cluster.Exports, CliTimeout, "status", jobId, "--json");
            var status = Parse(run);
            var seen = status?.ToString() ?? $"no answer (exit code {run.ExitCode}: {run.Stderr.Trim().Split('\n').LastOrDefault()})";
            if (seen != last && since is not null) log.WriteLine($"  +{since.Elapsed.TotalSeconds:0.0} s: {seen}");
            last = seen;
            if (status is not null && condition(status)) return status;
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
        Assert.Fail($"expected {jobId} to reach the awaited state within {timeout.TotalSeconds:0} s; last status: {last}\n{cluster.LogTails()}");
        return null!;
    }

    private static Status? Parse(CliRun.Result run)
    {
        if (string.IsNullOrWhiteSpace(run.Stdout)) return null;
        JsonElement json;
        try
        {
            json = run.Json();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
        if (!json.TryGetProperty("state", out var state) || state.GetString() == "Unknown") return null;
        static DateTimeOffset Time(JsonElement json, string name) =>
            json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetDateTimeOffset() : default;
        return new Status(state.GetString()!, json.GetProperty("is_final").GetBoolean(), json.GetProperty("completed_tasks").GetInt32(),
            json.GetProperty("running_tasks").GetInt32(), json.GetProperty("failed_tasks").GetInt32(), json.GetProperty("total_tasks").GetInt32(),
            Time(json, "submitted_at"), Time(json, "finished_at"));
    }

    private static string Suffix() => Guid.NewGuid().ToString("N")[..8];
}
