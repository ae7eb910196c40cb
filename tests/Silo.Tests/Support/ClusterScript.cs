namespace Pipeline.Silo.Tests.Support;

/// <summary>
/// One infra/local-cluster/cluster.sh cluster in a state folder of its own, started with the executables this test build
/// made (<c>--no-build</c>). Disposing runs <c>down</c>, SIGKILLs any silo it listed that still runs, and removes the
/// state folder unless asked to keep it.
/// </summary>
internal sealed class ClusterScript : IAsyncDisposable
{
    private static readonly TimeSpan UpTimeout = TimeSpan.FromMinutes(6);
    private readonly Dictionary<string, string> environment;
    private readonly HashSet<int> seenPids = [];

    private ClusterScript(string state, IReadOnlyDictionary<string, string> exports)
    {
        State = state;
        Exports = exports;
        environment = Environment(state);
    }

    public string State { get; }

    /// <summary>What <c>up</c> printed: the variables the <c>pipeline</c> CLI needs to reach the cluster.</summary>
    public IReadOnlyDictionary<string, string> Exports { get; }

    /// <summary>Keep the state folder (logs, Azurite data) after dispose, e.g. when a test failed.</summary>
    public bool KeepState { get; set; }

    public string LogsFolder => Path.Combine(State, "logs");

    public static async Task<ClusterScript> UpAsync(int silos, int slots)
    {
        var state = Path.Combine(Path.GetTempPath(), "pipeline-cluster-test-" + Guid.NewGuid().ToString("N")[..8]);
        var environment = Environment(state);
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Parent!.Name;
        var up = await ScriptRun.RunAsync(RepoPaths.ClusterScript, environment, UpTimeout,
            "up", "--silos", silos.ToString(), "--slots", slots.ToString(), "--no-build", "--configuration", configuration);
        if (up.ExitCode != 0)
        {
            await ScriptRun.RunAsync(RepoPaths.ClusterScript, environment, TimeSpan.FromMinutes(2), "down");
            Assert.Fail($"expected cluster.sh up to succeed, exit code {up.ExitCode}; state kept in {state}. stderr:\n{up.Stderr}");
        }
        var cluster = new ClusterScript(state, ParseExports(up.Stdout));
        await cluster.PidsAsync();
        return cluster;
    }

    public async Task<IReadOnlyList<int>> PidsAsync()
    {
        var listed = await ScriptRun.RunAsync(RepoPaths.ClusterScript, environment, TimeSpan.FromSeconds(30), "pids");
        Assert.True(listed.ExitCode == 0, $"expected cluster.sh pids to succeed, exit code {listed.ExitCode}. stderr:\n{listed.Stderr}");
        var pids = listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
        seenPids.UnionWith(pids);
        return pids;
    }

    /// <summary><c>restart-azurite</c>: SIGTERM (Azurite saves its data and exits), or with <c>--kill</c> a crash.</summary>
    public async Task RestartAzuriteAsync(params string[] options)
    {
        var restart = await ScriptRun.RunAsync(RepoPaths.ClusterScript, environment, TimeSpan.FromMinutes(2), ["restart-azurite", .. options]);
        Assert.True(restart.ExitCode == 0, $"expected cluster.sh restart-azurite to succeed, exit code {restart.ExitCode}. stderr:\n{restart.Stderr}");
    }

    /// <summary>Every silo log and the Azurite log, for a failure message.</summary>
    public string LogTails(int lines = 40)
    {
        if (!Directory.Exists(LogsFolder)) return "(no logs)";
        return string.Join("\n", Directory.GetFiles(LogsFolder).Order().Select(f =>
            $"--- {Path.GetFileName(f)} (last {lines} lines) ---\n" + string.Join("\n", File.ReadLines(f).TakeLast(lines))));
    }

    /// <summary>The lines of every silo log that contain the text.</summary>
    public IReadOnlyList<string> SiloLogLines(string contains) =>
        Directory.GetFiles(LogsFolder, "silo-*.log").Order()
            .SelectMany(f => File.ReadLines(f).Where(l => l.Contains(contains, StringComparison.Ordinal)).Select(l => $"{Path.GetFileName(f)}: {l}"))
            .ToList();

    public async ValueTask DisposeAsync()
    {
        await ScriptRun.RunAsync(RepoPaths.ClusterScript, environment, TimeSpan.FromMinutes(2), "down");
        foreach (var pid in seenPids.Where(Posix.IsAlive)) Posix.Signal(pid, Posix.SigKill);
        if (!KeepState && Directory.Exists(State)) Directory.Delete(State, recursive: true);
    }

    /// <summary>The state folder, and timestamps on the silos' log lines (the silos inherit the script's environment).</summary>
    private static Dictionary<string, string> Environment(string state) => new()
    {
        ["PIPELINE_CLUSTER_STATE"] = state,
        ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
        ["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true",
    };

    /// <summary>The NAME=value pairs of `cluster.sh up` / `env`, asserting stdout holds nothing but `export` lines.</summary>
    public static Dictionary<string, string> ParseExports(string stdout)
    {
        var exports = new Dictionary<string, string>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.True(line.StartsWith("export ", StringComparison.Ordinal) && line.EndsWith('\''),
                $"expected only `export NAME='value'` lines on stdout, saw: {line}");
            var (name, value) = (line[7..line.IndexOf('=')], line[(line.IndexOf('=') + 1)..]);
            exports[name] = value.Trim('\'');
        }
        return exports;
    }
}
