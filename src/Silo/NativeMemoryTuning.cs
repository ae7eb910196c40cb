using System.Collections;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Pipeline.Silo;

/// <summary>
/// libtorch allocates and frees large tensors every batch. With glibc's defaults each one is a fresh mmap whose pages
/// fault in again (about 9 us a page on these VMs), and threads other than the main one get capped malloc arenas that
/// send every tensor over 64 MB to mmap: measured here, a ConvNeXt-T batch of 32 took 2.1 s on a worker thread and
/// 1.6 s with the settings below. glibc reads them only at process start, so a host that lacks them replaces its own
/// process image with execve(2), same arguments, the settings added to the environment (once;
/// <c>PIPELINE_NO_RELAUNCH=1</c> turns this off). The PID stays the same, so whoever started the process (a shell,
/// systemd, Kubernetes) signals the real host: there is no parent left to orphan a child.
/// </summary>
public static class NativeMemoryTuning
{
    public const string Tunables =
        "glibc.malloc.mmap_threshold=4294967296:glibc.malloc.trim_threshold=17179869184:glibc.malloc.arena_max=1";

    /// <summary>Set to 1 to keep the process as started (also set on the re-executed image, so it never loops).</summary>
    public const string NoRelaunchVariable = "PIPELINE_NO_RELAUNCH";

    private const string VariableName = "GLIBC_TUNABLES";

    /// <summary>
    /// Re-executes this process with the tunables set, and so returns only when it runs tuned already, when tuning is
    /// off, or when execve failed (then it says so on stderr and the process goes on untuned). The return value is
    /// always null; it is kept nullable so hosts can write <c>if (RelaunchIfUntuned(args) is { } code) return code;</c>.
    /// </summary>
    public static int? RelaunchIfUntuned(string[] args)
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(NoRelaunchVariable) == "1") return null;
        var current = Environment.GetEnvironmentVariable(VariableName) ?? "";
        if (current.Contains("glibc.malloc.arena_max", StringComparison.Ordinal)) return null;

        var path = Environment.ProcessPath!;
        var argv = new List<string> { path };
        if (Path.GetFileNameWithoutExtension(path) == "dotnet")
            argv.Add(Assembly.GetEntryAssembly()!.Location);
        argv.AddRange(args);

        var environment = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
            environment[(string)entry.Key] = (string?)entry.Value ?? "";
        environment[VariableName] = current.Length == 0 ? Tunables : $"{current}:{Tunables}";
        environment[NoRelaunchVariable] = "1";

        var errno = Exec(path, argv, environment.Select(e => $"{e.Key}={e.Value}").ToList());
        Console.Error.WriteLine($"warning: execve({path}) failed (errno {errno}); running without {VariableName} tuning.");
        return null;
    }

    /// <summary>execve with UTF-8 copies of the strings; returns errno (it only returns on failure).</summary>
    private static int Exec(string path, List<string> argv, List<string> environment)
    {
        var allocated = new List<IntPtr>();
        IntPtr Utf8(string s)
        {
            var p = Marshal.StringToCoTaskMemUTF8(s);
            allocated.Add(p);
            return p;
        }

        try
        {
            var argvPointers = argv.Select(Utf8).Append(IntPtr.Zero).ToArray();
            var envPointers = environment.Select(Utf8).Append(IntPtr.Zero).ToArray();
            Console.Out.Flush();
            Console.Error.Flush();
            LibC.Execve(Utf8(path), argvPointers, envPointers);
            return Marshal.GetLastPInvokeError();
        }
        finally
        {
            allocated.ForEach(Marshal.FreeCoTaskMem);
        }
    }
}
