namespace Pipeline.Storage;

/// <summary>A thread-safe source of doubles in [0, 1) for chaos decisions; reproducible when seeded.</summary>
internal sealed class ChaosRandom(int? seed)
{
    private readonly Random random = seed is { } s ? new Random(s) : new Random();
    private readonly Lock gate = new();

    public double NextDouble()
    {
        lock (gate)
        {
            return random.NextDouble();
        }
    }
}
