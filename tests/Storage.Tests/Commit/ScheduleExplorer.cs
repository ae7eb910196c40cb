namespace Pipeline.Storage.Tests.Commit;

/// <summary>
/// Depth-first enumeration of every schedule by replay: each run follows the choices of the previous one up to the
/// last step that has an untried option, takes the next option there, and the first option everywhere after it.
/// </summary>
public sealed class ScheduleExplorer : IStepChooser
{
    private readonly List<(int Choice, int Count)> path = [];
    private int depth;

    public int Choose(IReadOnlyList<StepOption> options)
    {
        if (depth < path.Count)
        {
            var (choice, count) = path[depth];
            if (count != options.Count)
            {
                throw new InvalidOperationException(
                    $"Replay diverged at step {depth}: expected {count} options as in the previous run, saw {options.Count} ({string.Join("; ", options)}).");
            }

            depth++;
            return choice;
        }

        path.Add((0, options.Count));
        depth++;
        return 0;
    }

    /// <summary>Moves to the next schedule; false when every schedule has been run.</summary>
    public bool MoveNext()
    {
        depth = 0;
        while (path.Count > 0 && path[^1].Choice == path[^1].Count - 1)
        {
            path.RemoveAt(path.Count - 1);
        }

        if (path.Count == 0)
        {
            return false;
        }

        path[^1] = (path[^1].Choice + 1, path[^1].Count);
        return true;
    }
}
