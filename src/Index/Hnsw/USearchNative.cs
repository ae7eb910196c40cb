using System.Reflection;
using System.Runtime.InteropServices;
using Cloud.Unum.USearch;

namespace Pipeline.Index.Hnsw;

/// <summary>
/// The calls the C# binding (Cloud.Unum.USearch 2.26.6) lacks, made on the binding's own handle through the native
/// library it loads (libusearch_c, part of the package):
/// <list type="bullet">
/// <item>changing efSearch of an existing index: the binding fixes it at construction and its view constructor always
/// uses the library default (64), so an opened file could never be searched at the ef it was tuned for;</item>
/// <item>building one graph from many threads: the native index is safe for concurrent adds and searches up to its
/// thread limits once capacity is reserved (USearch's own C docs: <c>usearch_change_threads_add</c>, then
/// <c>usearch_add</c> from an OpenMP loop), but the binding's <c>Add</c> checks and grows capacity unsynchronised
/// before every call and exposes neither the reservation nor the thread limits.</item>
/// </list>
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

    [DllImport(Library)]
    private static extern void usearch_reserve(IntPtr index, nuint capacity, out IntPtr error);

    [DllImport(Library)]
    private static extern void usearch_change_threads_add(IntPtr index, nuint threads, out IntPtr error);

    [DllImport(Library)]
    private static extern void usearch_change_threads_search(IntPtr index, nuint threads, out IntPtr error);

    // A blittable array parameter is pinned for the call, not copied.
    [DllImport(Library)]
    private static extern void usearch_add(IntPtr index, ulong key, [In] float[] vector, ScalarKind kind, out IntPtr error);

    /// <summary>
    /// Reserves room for <paramref name="capacity"/> vectors and per-thread contexts for <paramref name="addThreads"/>
    /// concurrent <see cref="Add"/> and <paramref name="searchThreads"/> concurrent searches. The caller must hold the
    /// index exclusively. (The reservation alone sets both limits to the hardware's thread count; the thread limits are
    /// set after it so that they are the ones asked for.)
    /// </summary>
    public static void Reserve(USearchIndex index, long capacity, int addThreads, int searchThreads)
    {
        IntPtr handle = Handle(index);
        usearch_reserve(handle, checked((nuint)capacity), out IntPtr error);
        ThrowOnError(error, "usearch_reserve");
        usearch_change_threads_add(handle, checked((nuint)addThreads), out error);
        ThrowOnError(error, "usearch_change_threads_add");
        usearch_change_threads_search(handle, checked((nuint)searchThreads), out error);
        ThrowOnError(error, "usearch_change_threads_search");
    }

    /// <summary>
    /// Adds one float32 vector under <paramref name="key"/>. Safe from as many threads at once as
    /// <see cref="Reserve"/> allowed, while the index holds fewer vectors than it reserved.
    /// </summary>
    public static void Add(USearchIndex index, ulong key, float[] vector)
    {
        usearch_add(Handle(index), key, vector, ScalarKind.Float32, out IntPtr error);
        ThrowOnError(error, "usearch_add");
    }

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
