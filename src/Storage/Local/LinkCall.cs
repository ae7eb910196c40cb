using System.Runtime.InteropServices;

namespace Pipeline.Storage;

/// <summary>
/// link(2), the one atomic "create this name only if it is absent" a POSIX file system offers for a file whose content
/// is already written. Called directly because File.Move(overwrite: false) may fall back to an exists-check followed
/// by rename(2), which two racing creators can both pass (seen here: two winners of one marker, once in five runs).
/// </summary>
internal static partial class LinkCall
{
    private const int EEXIST = 17;

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string created);

    /// <summary>True when <paramref name="created"/> now names <paramref name="existing"/>'s file; false when the name was taken.</summary>
    /// <exception cref="IOException">link(2) failed for another reason (the errno is in the message).</exception>
    public static bool TryLink(string existing, string created)
    {
        if (Link(existing, created) == 0) return true;
        int errno = Marshal.GetLastPInvokeError();
        if (errno == EEXIST) return false;
        throw new IOException($"link('{existing}', '{created}') failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
    }
}
