using Pipeline.Contracts.Jobs;

namespace Pipeline.Grains.Jobs.Kinds;

/// <summary>The kinds registered on this silo, found by spec type.</summary>
public sealed class JobKinds(IEnumerable<IJobKind> kinds)
{
    private readonly Dictionary<Type, IJobKind> bySpec = kinds.ToDictionary(k => k.SpecType);

    public IReadOnlyCollection<IJobKind> All => bySpec.Values;

    public IJobKind For(JobSpec spec) =>
        bySpec.TryGetValue(spec.GetType(), out var kind)
            ? kind
            : throw new NotSupportedException($"job kind '{spec.Kind}' is not installed on this silo");
}
