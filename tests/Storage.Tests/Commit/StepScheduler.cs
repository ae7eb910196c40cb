namespace Pipeline.Storage.Tests.Commit;

/// <summary>
/// Runs several actors (attempts of a shard) so that exactly one store call runs at a time, in an order an
/// <see cref="IStepChooser"/> picks. Each actor's store is a <see cref="ScheduledStore"/>: before every call it waits
/// for a permit. When every actor is waiting or done, the scheduler checks the invariant, then grants one waiting call
/// (or, once per run when crashes are allowed, crashes an actor there: its call never runs and it never resumes).
/// </summary>
public sealed class StepScheduler(IStepChooser chooser, bool allowCrash, Func<StepOption, bool>? runsFreely = null, Func<Task>? invariant = null)
{
    private static readonly TimeSpan QuietTimeout = TimeSpan.FromSeconds(30);
    private readonly Lock gate = new();
    private readonly Dictionary<string, Actor> actors = new(StringComparer.Ordinal);
    private readonly List<StepOption> trace = [];
    private readonly Dictionary<string, Exception> errors = new(StringComparer.Ordinal);
    private TaskCompletionSource? quiet;

    private enum Status
    {
        Running,
        Waiting,
        Finished,
        Crashed,
    }

    /// <summary>The steps taken so far, in order.</summary>
    public IReadOnlyList<StepOption> Trace => trace;

    /// <summary>The actor that crashed, if any.</summary>
    public string? Crashed { get; private set; }

    /// <summary>Exceptions that ended actors, by actor.</summary>
    public IReadOnlyDictionary<string, Exception> Errors => errors;

    /// <summary>The schedule so far, one step per line, for failure messages.</summary>
    public string Describe() => string.Join(Environment.NewLine, trace.Select((s, i) => $"  {i + 1,3}. {s}"));

    /// <summary>A store through which <paramref name="actor"/>'s calls wait for their turn.</summary>
    public IObjectStore StoreFor(string actor, IObjectStore inner) => new ScheduledStore(this, actor, inner);

    /// <summary>Runs the actors until each has finished or crashed.</summary>
    public async Task RunAsync(IReadOnlyList<(string Actor, Func<Task> Body)> bodies)
    {
        lock (gate)
        {
            foreach (var (name, _) in bodies)
            {
                actors.Add(name, new Actor());
            }
        }

        foreach (var (name, body) in bodies)
        {
            _ = Task.Run(() => RunActorAsync(name, body));
        }

        while (true)
        {
            await WhenQuietAsync().WaitAsync(QuietTimeout);
            if (invariant is not null)
            {
                await invariant();
            }

            var options = new List<StepOption>();
            lock (gate)
            {
                var waiting = actors.Where(a => a.Value.Status == Status.Waiting)
                    .Select(a => new StepOption(a.Key, false, a.Value.Operation, a.Value.Key))
                    .ToList();
                if (waiting.Count == 0)
                {
                    return;
                }

                // A call that commutes with every other actor's call needs no interleaving choice, only a crash point.
                var free = runsFreely is null ? null : waiting.FirstOrDefault(runsFreely);
                var candidates = free is null ? waiting : [free];
                options.AddRange(candidates);
                if (allowCrash && Crashed is null)
                {
                    options.AddRange(candidates.Select(c => c with { Crash = true }));
                }
            }

            var option = options[chooser.Choose(options)];
            trace.Add(option);
            TaskCompletionSource? permit = null;
            lock (gate)
            {
                var actor = actors[option.Actor];
                if (option.Crash)
                {
                    actor.Status = Status.Crashed;
                    Crashed = option.Actor;
                }
                else
                {
                    actor.Status = Status.Running;
                    permit = actor.Permit;
                }

                actor.Permit = null;
            }

            permit?.SetResult();
        }
    }

    /// <summary>Called by <see cref="ScheduledStore"/> before each call; completes when the call may run.</summary>
    internal Task EnterAsync(string actor, string operation, string key)
    {
        lock (gate)
        {
            var state = actors[actor];
            state.Status = Status.Waiting;
            state.Operation = operation;
            state.Key = key;
            state.Permit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var permit = state.Permit.Task;
            SignalIfQuiet();
            return permit;
        }
    }

    private async Task RunActorAsync(string name, Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (Exception e)
        {
            lock (gate)
            {
                errors[name] = e;
            }
        }

        lock (gate)
        {
            actors[name].Status = Status.Finished;
            SignalIfQuiet();
        }
    }

    private Task WhenQuietAsync()
    {
        lock (gate)
        {
            if (IsQuiet())
            {
                return Task.CompletedTask;
            }

            quiet = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return quiet.Task;
        }
    }

    private void SignalIfQuiet()
    {
        if (quiet is not null && IsQuiet())
        {
            quiet.TrySetResult();
            quiet = null;
        }
    }

    private bool IsQuiet() => actors.Values.All(a => a.Status != Status.Running);

    private sealed class Actor
    {
        public Status Status { get; set; } = Status.Running;

        public string Operation { get; set; } = "";

        public string Key { get; set; } = "";

        public TaskCompletionSource? Permit { get; set; }
    }
}
