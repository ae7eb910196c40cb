using System.Reflection;
using System.Runtime.InteropServices;
using Cloud.Unum.USearch;

namespace Pipeline.Index.Hnsw;

/// <summary>
/// The one call the C# binding (Cloud.Unum.USearch 2.26.6) lacks: changing efSearch of an existing index. The binding
/// fixes it at construction and its view constructor always uses the library default (64), so an opened file could
/// never be searched at the ef it was tuned for. <c>usearch_change_expansion_search</c> is exported by the same native
/// library the binding loads (libusearch_c, part of the package), applied to the binding's own handle.
/// </summary>
internal static class USearchNative
{
    private const string Library = "libusearch_c";

    // The binding keeps its native handle in this private field; the package version is pinned centrally, and a
    // missing field fails loudly at first use rather than silently searching at the wrong ef.
    private static readonly FieldInfo HandleField =
        typeof(USearchIndex).GetField("_index", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new MissingFieldException(typeof(USearchIndex).FullName, "_index");

    // DllImport rather than LibraryImport: the generated marshalling code needs AllowUnsafeBlocks, which this project
    // does not set; both signatures are blittable, so there is nothing to marshal.
    [DllImport(Library)]
    private static extern void usearch_change_expansion_search(IntPtr index, nuint expansion, out IntPtr error);

    [DllImport(Library)]
    private static extern nuint usearch_expansion_search(IntPtr index, out IntPtr error);

    /// <summary>Sets efSearch of <paramref name="index"/>; the caller must hold it exclusively.</summary>
    public static void SetExpansionSearch(USearchIndex index, int expansion)
    {
        usearch_change_expansion_search(Handle(index), (nuint)expansion, out IntPtr error);
        ThrowOnError(error, "usearch_change_expansion_search");
    }

    /// <summary>efSearch the native index currently uses.</summary>
    public static int GetExpansionSearch(USearchIndex index)
    {
        nuint value = usearch_expansion_search(Handle(index), out IntPtr error);
        ThrowOnError(error, "usearch_expansion_search");
        return checked((int)value);
    }

    private static IntPtr Handle(USearchIndex index)
    {
        var handle = (IntPtr)HandleField.GetValue(index)!;
        if (handle == IntPtr.Zero)
            throw new ObjectDisposedException(nameof(USearchIndex));
        return handle;
    }

    private static void ThrowOnError(IntPtr error, string call)
    {
        if (error != IntPtr.Zero)
            throw new USearchException($"{call}: {Marshal.PtrToStringAnsi(error)}");
    }
}
