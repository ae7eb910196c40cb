using System.Diagnostics;
using System.Reflection;

namespace Pipeline.Silo;

/// <summary>
/// libtorch allocates and frees large tensors every batch. With glibc's defaults each one is a fresh mmap whose pages
/// fault in again (about 9 us a page on these VMs), and threads other than the main one get capped malloc arenas that
/// send every tensor over 64 MB to mmap: measured here, a ConvNeXt-T batch of 32 took 2.1 s on a worker thread and
/// 1.6 s with the settings below. glibc reads them only at process start, so a host that lacks them starts itself
/// again with them set (once; <c>PIPELINE_NO_RELAUNCH=1</c> turns this off).
/// </summary>
public static class NativeMemoryTuning
{
    public const string Tunables =
        "glibc.malloc.mmap_threshold=4294967296:glibc.malloc.trim_threshold=17179869184:glibc.malloc.arena_max=1";

    private const string VariableName = "GLIBC_TUNABLES";

    /// <summary>The exit code of the relaunched process, or null when this process already runs tuned (go on).</summary>
    public static int? RelaunchIfUntuned(string[] args)
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("PIPELINE_NO_RELAUNCH") == "1") return null;
        var current = Environment.GetEnvironmentVariable(VariableName) ?? "";
        if (current.Contains("glibc.malloc.arena_max", StringComparison.Ordinal)) return null;

        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment[VariableName] = current.Length == 0 ? Tunables : $"{current}:{Tunables}";
        start.Environment["PIPELINE_NO_RELAUNCH"] = "1";
        using var child = Process.Start(start)!;
        // Ctrl+C reaches the whole process group: let the child handle it and report its own exit code.
        Console.CancelKeyPress += (_, e) => e.Cancel = true;
        child.WaitForExit();
        return child.ExitCode;
    }
}
