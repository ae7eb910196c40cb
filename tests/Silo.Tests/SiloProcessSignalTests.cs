using System.Globalization;
using Pipeline.Silo.Tests.Support;
using Pipeline.Storage.Azurite;
using Xunit.Abstractions;

namespace Pipeline.Silo.Tests;

/// <summary>
/// <c>pipeline-silo</c> as a supervisor runs it: the pid it started is the silo (the glibc tuning re-executes in place),
/// SIGTERM to that pid stops it gracefully, and it stops within the shutdown bound even when its storage is gone.
/// </summary>
public sealed class SiloProcessSignalTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task SigtermToTheStartedPidStopsTheSiloAndLeavesNoChild()
    {
        var ports = LoopbackPorts.Free(2);
        using var silo = HostProcess.Start(RepoPaths.SiloExecutable, new Dictionary<string, string>
        {
            ["Pipeline__Cluster__Mode"] = "Localhost",
            ["Pipeline__Cluster__SiloPort"] = ports[0].ToString(CultureInfo.InvariantCulture),
            ["Pipeline__Cluster__GatewayPort"] = ports[1].ToString(CultureInfo.InvariantCulture),
            ["Pipeline__Workers__Slots"] = "0",
        });
        await WaitUntilStartedAsync(silo, ports[1]);

        // Started without either variable: only the in-place re-execution gives the started pid both. (/proc shows
        // GLIBC_TUNABLES cut at its first ':' because glibc parses it in place, so only its start is compared.)
        var tunables = Posix.EnvironmentVariable(silo.Pid, "GLIBC_TUNABLES");
        var noRelaunch = Posix.EnvironmentVariable(silo.Pid, NativeMemoryTuning.NoRelaunchVariable);
        Assert.True(tunables?.StartsWith("glibc.malloc.", StringComparison.Ordinal) == true && noRelaunch == "1",
            $"expected pid {silo.Pid} itself to run re-executed with the malloc tunables; GLIBC_TUNABLES='{tunables}', {NativeMemoryTuning.NoRelaunchVariable}='{noRelaunch}'");
        Assert.True(Posix.Children(silo.Pid).Count == 0,
            $"expected the silo to have no child process; it has {string.Join(", ", Posix.Children(silo.Pid))}");

        Posix.Signal(silo.Pid, Posix.SigTerm);
        var took = await silo.WaitForExitAsync(TimeSpan.FromSeconds(40), "SIGTERM to pipeline-silo");
        output.WriteLine($"pipeline-silo pid {silo.Pid}: exit code {silo.ExitCode} {took.TotalSeconds:0.0} s after SIGTERM");

        Assert.True(silo.ExitCode == 0, $"expected a graceful stop (exit code 0), saw {silo.ExitCode}. Output:\n{silo.Output}");
        Assert.False(Posix.IsAlive(silo.Pid), $"pid {silo.Pid} still runs after its exit was reported");
    }

    [Fact]
    public async Task SigtermStopsASiloWhoseAzuriteWasKilledWithinTheBound()
    {
        var bound = TimeSpan.FromSeconds(10);
        var azurite = await AzuriteServer.StartAsync();
        var ports = LoopbackPorts.Free(2);
        HostProcess? silo = null;
        try
        {
            silo = HostProcess.Start(RepoPaths.SiloExecutable, new Dictionary<string, string>
            {
                ["Pipeline__Cluster__Mode"] = "AzureTable",
                ["Pipeline__Cluster__ConnectionString"] = azurite.ConnectionString,
                ["Pipeline__Cluster__ClusterId"] = "silo-tests-" + Guid.NewGuid().ToString("N")[..8],
                ["Pipeline__Cluster__SiloPort"] = ports[0].ToString(CultureInfo.InvariantCulture),
                ["Pipeline__Cluster__GatewayPort"] = ports[1].ToString(CultureInfo.InvariantCulture),
                ["Pipeline__Storage__ConnectionString"] = azurite.ConnectionString,
                ["Pipeline__Workers__Slots"] = "0",
                ["Pipeline__Shutdown__Timeout"] = bound.ToString("c", CultureInfo.InvariantCulture),
            });
            await WaitUntilStartedAsync(silo, ports[1]);
            await azurite.DisposeAsync();

            Posix.Signal(silo.Pid, Posix.SigTerm);
            var took = await silo.WaitForExitAsync(bound + TimeSpan.FromSeconds(10), "SIGTERM to a silo without storage");
            output.WriteLine($"silo without storage: exit code {silo.ExitCode} {took.TotalSeconds:0.0} s after SIGTERM (bound {bound.TotalSeconds:0} s)");

            Assert.True(took < bound + TimeSpan.FromSeconds(3),
                $"expected the silo to exit within the {bound.TotalSeconds:0} s bound; it took {took.TotalSeconds:0.0} s. Output:\n{silo.Output}");
            Assert.True(silo.ExitCode is 0 or ShutdownWatchdog.ExitCode,
                $"expected exit code 0 (stopped) or {ShutdownWatchdog.ExitCode} (watchdog), saw {silo.ExitCode}. Output:\n{silo.Output}");
        }
        finally
        {
            silo?.Dispose();
            await azurite.DisposeAsync();
        }
    }

    /// <summary>Started = the host started every service (the silo is Active) and its gateway accepts connections.</summary>
    private static Task WaitUntilStartedAsync(HostProcess silo, int gatewayPort) =>
        Poll.UntilAsync(async () =>
            {
                if (silo.HasExited) Assert.Fail($"pipeline-silo exited with {silo.ExitCode} before it started. Output:\n{silo.Output}");
                return silo.Output.Contains("Application started", StringComparison.Ordinal) && await LoopbackPorts.AcceptsAsync(gatewayPort);
            },
            StartTimeout, () => $"expected pipeline-silo to log 'Application started' and its gateway on 127.0.0.1:{gatewayPort} to accept connections. Output:\n{silo.Output}");
}
