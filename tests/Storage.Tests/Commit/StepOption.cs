namespace Pipeline.Storage.Tests.Commit;

/// <summary>One thing a <see cref="StepScheduler"/> can do next: run an actor's pending store call, or crash the actor there.</summary>
public sealed record StepOption(string Actor, bool Crash, string Operation, string Key)
{
    public override string ToString() => Crash ? $"{Actor} crashes before {Operation} {Key}" : $"{Actor}: {Operation} {Key}";
}
