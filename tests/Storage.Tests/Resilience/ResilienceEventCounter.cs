using System.Collections.Concurrent;
using Polly.Telemetry;

namespace Pipeline.Storage.Tests.Resilience;

/// <summary>Counts Polly telemetry events by name (<c>OnRetry</c>, <c>Chaos.OnFault</c>, <c>OnCircuitOpened</c>, ...).</summary>
public sealed class ResilienceEventCounter : TelemetryListener
{
    private readonly ConcurrentDictionary<string, int> counts = new(StringComparer.Ordinal);

    public int this[string eventName] => counts.GetValueOrDefault(eventName);

    public override void Write<TResult, TArgs>(in TelemetryEventArguments<TResult, TArgs> args) =>
        counts.AddOrUpdate(args.Event.EventName, 1, (_, n) => n + 1);

    public override string ToString() => string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}"));
}
