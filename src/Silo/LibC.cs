using System.Runtime.InteropServices;

namespace Pipeline.Silo;

/// <summary>The two libc calls the hosts need that .NET does not offer.</summary>
internal static partial class LibC
{
    /// <summary>Replaces this process image (same PID). Returns only on failure (-1, errno set).</summary>
    [LibraryImport("libc", EntryPoint = "execve", SetLastError = true)]
    internal static partial int Execve(IntPtr path, IntPtr[] argv, IntPtr[] envp);

    /// <summary>Ends the process at once: no finalizers, no exit handlers, nothing that could hang.</summary>
    [LibraryImport("libc", EntryPoint = "_exit")]
    internal static partial void Exit(int status);
}
