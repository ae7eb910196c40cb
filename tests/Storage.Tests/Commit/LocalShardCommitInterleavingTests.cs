using System.Diagnostics;
using Xunit.Abstractions;

namespace Pipeline.Storage.Tests.Commit;

/// <summary>
/// Every interleaving of two zombie attempts' store calls, without and with one attempt crashing after any of its
/// steps, on local folders (in memory-backed /dev/shm where there is one: the protocol is the same, the disk is faster).
/// </summary>
public sealed class LocalShardCommitInterleavingTests(ITestOutputHelper output) : IDisposable
{
    private const int MaxSchedules = 200_000;
    private readonly string root = Path.Join(
        Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), "pipeline-commit-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>
    /// The default suite interleaves every call that another attempt can observe (see <see cref="CommitScenario.IsPrivate"/>)
    /// and crashes at every step, private ones included. Interleaving the private steps too (every merge of the two call
    /// sequences, about 13k schedules and a minute) runs when PIPELINE_EXHAUSTIVE_TESTS=1.
    /// </summary>
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task EverySchedule_PublishesExactlyTheFilesOfTheAttemptTheMarkerNames(bool crashes, bool interleavePrivateSteps)
    {
        if (interleavePrivateSteps && Environment.GetEnvironmentVariable("PIPELINE_EXHAUSTIVE_TESTS") != "1")
        {
            output.WriteLine("every merge including private steps: set PIPELINE_EXHAUSTIVE_TESTS=1 to run it");
            return;
        }

        var explorer = new ScheduleExplorer();
        var stopwatch = Stopwatch.StartNew();
        var schedules = 0;
        do
        {
            var store = new LocalObjectStore(StorageLocation.ForLocalFolder(Path.Join(root, $"s{schedules}")));
            await CommitScenario.RunAsync(store, explorer, crashes, interleavePrivateSteps);
            Directory.Delete(store.Location.LocalRoot!, recursive: true);
            schedules++;
        }
        while (explorer.MoveNext() && schedules < MaxSchedules);

        output.WriteLine($"{schedules} schedules (crashes: {crashes}, private steps interleaved: {interleavePrivateSteps}) in {stopwatch.Elapsed.TotalSeconds:F1} s");
        Assert.True(schedules is > 100 and < MaxSchedules, $"expected between 100 and {MaxSchedules} schedules, saw {schedules}");
    }
}
