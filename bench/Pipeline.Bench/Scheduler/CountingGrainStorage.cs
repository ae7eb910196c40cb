using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;

namespace Pipeline.Bench.Scheduler;

/// <summary>
/// In-memory grain storage that keeps every state as the bytes Orleans' serializer writes, and counts writes and bytes
/// per state name: what a durable provider would have had to store.
/// </summary>
public sealed class CountingGrainStorage(Serializer serializer) : IGrainStorage
{
    private readonly ConcurrentDictionary<(string State, GrainId Grain), (byte[] Bytes, long Version)> states = new();
    private readonly ConcurrentDictionary<string, Counter> counters = new();

    public IReadOnlyDictionary<string, Counter> Counters => counters;

    public void Reset() => counters.Clear();

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (states.TryGetValue((stateName, grainId), out var stored))
        {
            grainState.State = serializer.Deserialize<T>(stored.Bytes);
            grainState.ETag = stored.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var bytes = serializer.SerializeToArray(grainState.State);
        var key = (stateName, grainId);
        long version = states.TryGetValue(key, out var old) ? old.Version + 1 : 1;
        states[key] = (bytes, version);
        grainState.ETag = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
        var counter = counters.GetOrAdd(stateName, _ => new Counter());
        Interlocked.Increment(ref counter.Writes);
        Interlocked.Add(ref counter.Bytes, bytes.Length);
        InterlockedMax(ref counter.LargestWrite, bytes.Length);
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        states.TryRemove((stateName, grainId), out _);
        grainState.RecordExists = false;
        grainState.ETag = null;
        return Task.CompletedTask;
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    public sealed class Counter
    {
        public long Writes;
        public long Bytes;
        public long LargestWrite;
    }
}
