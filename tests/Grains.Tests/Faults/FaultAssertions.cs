using Pipeline.Contracts.Jobs;

namespace Pipeline.Grains.Tests.Faults;

/// <summary>What every fault test asserts of a finished job: exactly-once output, the right failures, the reference embeddings.</summary>
public static class FaultAssertions
{
    public static Task<JobStatus> WaitForFinalAsync(IJobGrain job, TimeSpan timeout)
    {
        JobStatus? last = null;
        return Poll.UntilAsync(async () =>
        {
            last = await job.GetStatusAsync();
            return last.IsFinal ? last : null;
        }, timeout, () => "the job to reach a final state", () => last?.ToString() ?? "no status");
    }

    /// <summary>
    /// CompletedWithErrors with only the corrupt files failed; exactly one metadata row per readable image (no duplicate,
    /// no gap); failure records for exactly the corrupt files; nothing left under <c>_attempts/</c>.
    /// </summary>
    public static void ExactlyOnce(FaultCorpusFixture corpus, JobStatus status, JobOutput output)
    {
        Assert.True(status.State == JobState.CompletedWithErrors, $"expected CompletedWithErrors (only the corrupt files fail), got {status}");
        Assert.True(status.FailedTasks == 0, $"expected no failed task, got {status}");
        Assert.True(status.DoneItems == corpus.Readable.Count && status.FailedItems == corpus.Corrupt.Count,
            $"expected {corpus.Readable.Count} done and {corpus.Corrupt.Count} failed items, got {status}");
        var duplicates = output.Rows.GroupBy(r => r.ImagePath).Where(g => g.Count() > 1).Select(g => $"{g.Key} x{g.Count()}").ToList();
        Assert.True(duplicates.Count == 0, $"expected one row per image, found duplicates: {string.Join(", ", duplicates.Take(10))}");
        var paths = output.Rows.Select(r => r.ImagePath).ToHashSet();
        var missing = corpus.Readable.Except(paths).Order().ToList();
        var extra = paths.Except(corpus.Readable).Order().ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"expected a row for every readable image and nothing else; missing: {string.Join(", ", missing.Take(10))}; extra: {string.Join(", ", extra.Take(10))}");
        var failed = output.Failures.Select(f => f.ImagePath).Order().ToList();
        Assert.True(failed.SequenceEqual(corpus.Corrupt.Order()),
            $"expected failure records for exactly {string.Join(", ", corpus.Corrupt.Order())}, got {string.Join(", ", failed)}");
        Assert.True(output.AttemptLeftovers.Count == 0,
            $"expected nothing under _attempts/ after the job finished, found {output.AttemptLeftovers.Count}: {string.Join(", ", output.AttemptLeftovers.Take(5))}");
        Assert.True(output.Manifest.TotalRows == corpus.Readable.Count && output.Manifest.State == nameof(JobState.CompletedWithErrors),
            $"expected a manifest of {corpus.Readable.Count} rows, CompletedWithErrors; got {output.Manifest.TotalRows} rows, {output.Manifest.State}");
    }

    /// <summary>Every row's embedding equals the undisturbed run's (max |diff| 0: same model, same inputs, same batches).</summary>
    public static void SameEmbeddings(FaultCorpusFixture.Reference reference, JobOutput output)
    {
        Assert.Equal(reference.Embeddings.Count, output.Rows.Count);
        float worst = 0;
        string? worstPath = null;
        foreach (var (path, embedding) in output.Rows)
        {
            Assert.True(reference.Embeddings.TryGetValue(path, out var expected), $"{path} is not in the undisturbed run");
            Assert.Equal(expected.Length, embedding.Length);
            for (int i = 0; i < embedding.Length; i++)
            {
                float diff = Math.Abs(expected[i] - embedding[i]);
                if (diff > worst || float.IsNaN(diff)) (worst, worstPath) = (float.IsNaN(diff) ? float.PositiveInfinity : diff, path);
            }
        }
        Assert.True(worst == 0, $"expected embeddings equal to the undisturbed run's; max |diff| {worst} at {worstPath}");
    }
}
