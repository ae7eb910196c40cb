using Pipeline.Index.Pages;

namespace Pipeline.Index.Tests.Pages;

public sealed class ThumbnailLoaderTests(TestImageFolder images) : IClassFixture<TestImageFolder>
{
    private readonly ThumbnailRenderer _renderer = new(size: 64, quality: 85);

    [Fact]
    public async Task Reads_run_in_parallel_up_to_the_limit_and_never_beyond()
    {
        const int limit = 3;
        var inFlight = 0;
        var maxInFlight = 0;
        var limitReached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task<byte[]> Source(string path, CancellationToken token)
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            if (now == limit)
            {
                limitReached.TrySetResult();
            }

            // Hold every read until `limit` are in flight at once: this only finishes if the loader really runs
            // `limit` reads concurrently. The timeout is a guard against hanging, not a measurement.
            await limitReached.Task.WaitAsync(TimeSpan.FromSeconds(30), token);
            Interlocked.Decrement(ref inFlight);
            return images.Bytes(TestImageFolder.Small);
        }

        var paths = Enumerable.Range(0, 12).Select(i => $"image-{i}.png").ToArray();
        var loaded = await ThumbnailLoader.LoadAsync(paths, Source, _renderer, limit, CancellationToken.None);

        Assert.Equal(12, loaded.Count);
        Assert.All(loaded.Values, thumbnail => Assert.Null(thumbnail.Error));
        Assert.Equal(limit, maxInFlight);
    }

    [Fact]
    public async Task A_path_named_twice_is_read_once()
    {
        var reads = 0;
        Task<byte[]> Source(string path, CancellationToken token)
        {
            Interlocked.Increment(ref reads);
            return images.Source(path, token);
        }

        var loaded = await ThumbnailLoader.LoadAsync(
            [TestImageFolder.Photo, TestImageFolder.Small, TestImageFolder.Photo], Source, _renderer, 2, CancellationToken.None);

        Assert.Equal(2, loaded.Count);
        Assert.Equal(2, reads);
    }

    [Fact]
    public async Task A_read_that_throws_becomes_a_placeholder_with_the_exception_message()
    {
        var loaded = await ThumbnailLoader.LoadAsync(
            ["missing/nothing-here.jpg", TestImageFolder.Photo], images.Source, _renderer, 2, CancellationToken.None);

        var missing = loaded["missing/nothing-here.jpg"];
        Assert.True(missing.IsPlaceholder);
        Assert.StartsWith("Could not read the image: DirectoryNotFoundException: ", missing.Error);
        Assert.Contains("nothing-here.jpg", missing.Error);
        Assert.Null(loaded[TestImageFolder.Photo].Error);
    }

    [Fact]
    public async Task Cancellation_is_rethrown_not_turned_into_placeholders()
    {
        using var cancellation = new CancellationTokenSource();
        Task<byte[]> Source(string path, CancellationToken token)
        {
            cancellation.Cancel();
            token.ThrowIfCancellationRequested();
            return images.Source(path, token);
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => ThumbnailLoader.LoadAsync([TestImageFolder.Photo, TestImageFolder.Small], Source, _renderer, 1, cancellation.Token));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen)
            {
                return;
            }
        }
    }
}
