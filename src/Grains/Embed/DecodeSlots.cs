namespace Pipeline.Grains.Embed;

/// <summary>
/// The decode threads of a shard. Decoding and the forward pass share the CPU: on a CPU-only worker, running both at
/// once makes libtorch's parallel regions wait for preempted threads, so there the forward pass takes every decode
/// slot while it runs (measured here, 512 generated images through ConvNeXt-T on 2 cores: 17.2 images/s paused,
/// 16.3 overlapped). On a GPU worker they overlap, so the device never waits.
/// </summary>
public sealed class DecodeSlots(int count, bool pauseDuringForward) : IDisposable
{
    private readonly SemaphoreSlim slots = new(count, count);

    public Task WaitAsync(CancellationToken cancellationToken) => slots.WaitAsync(cancellationToken);

    public void Release() => slots.Release();

    /// <summary>Holds every slot until disposed (CPU workers); a no-op when decoding overlaps the forward pass.</summary>
    public async Task<IDisposable> PauseForForwardAsync(CancellationToken cancellationToken)
    {
        if (!pauseDuringForward) return new Held(this, 0);
        int held = 0;
        try
        {
            for (; held < count; held++) await slots.WaitAsync(cancellationToken);
        }
        catch
        {
            if (held > 0) slots.Release(held);
            throw;
        }
        return new Held(this, held);
    }

    public void Dispose() => slots.Dispose();

    private sealed class Held(DecodeSlots owner, int count) : IDisposable
    {
        public void Dispose()
        {
            if (count > 0) owner.slots.Release(count);
        }
    }
}
