namespace Pipeline.Storage.Tests.Commit;

/// <summary>Seeded random choices: a reproducible sample of schedules where enumerating all of them costs too much.</summary>
public sealed class RandomChooser(int seed) : IStepChooser
{
    private readonly Random random = new(seed);

    public int Choose(IReadOnlyList<StepOption> options) => random.Next(options.Count);
}
