namespace Pipeline.Grains.Tests.Faults;

/// <summary>Bounded polling of a condition across silo failures: calls that fail while the cluster fails over are retried.</summary>
public static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Calls <paramref name="probe"/> until it returns a non-null value; exceptions count as "not yet" (a silo just died).
    /// Fails with <paramref name="expected"/>, the last value seen and the last error when <paramref name="timeout"/> passes.
    /// </summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> expected, Func<string>? lastSeen = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? lastError = null;
        while (true)
        {
            try
            {
                if (await probe() is { } value) return value;
            }
            catch (Exception e)
            {
                lastError = e;
            }
            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"waited {timeout} for {expected()}; last seen: {lastSeen?.Invoke() ?? "-"}; last error: {lastError?.GetType().Name}: {lastError?.Message ?? "none"}");
            }
            await Task.Delay(Interval);
        }
    }
}
