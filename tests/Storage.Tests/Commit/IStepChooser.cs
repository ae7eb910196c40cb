namespace Pipeline.Storage.Tests.Commit;

/// <summary>Picks which of the <see cref="StepOption"/>s a <see cref="StepScheduler"/> takes next.</summary>
public interface IStepChooser
{
    int Choose(IReadOnlyList<StepOption> options);
}
