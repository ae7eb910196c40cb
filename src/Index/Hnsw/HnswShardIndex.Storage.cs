using Cloud.Unum.USearch;
using Pipeline.Index.Exact;

namespace Pipeline.Index.Hnsw;

public sealed partial class HnswShardIndex
{
    /// <summary>
    /// Writes the index: a manifest at <paramref name="path"/> and one USearch file per sub-graph beside it
    /// (<c>{path}.part0</c>, ...). The manifest is written last, through a temporary file, so a crash never leaves
    /// a manifest that points at missing parts. Not to be called while this index is being disposed.
    /// </summary>
    public void Save(string path)
    {
        if (_heldBack is not null)
            throw new InvalidOperationException($"{HeldBackRows} held-back rows are not in the graph yet: add them (AddHeldBack) before saving.");
        ArgumentException.ThrowIfNullOrEmpty(path);
        path = Path.GetFullPath(path);
        var entries = new HnswPartEntry[_parts.Length];
        for (int p = 0; p < _parts.Length; p++)
        {
            string partPath = HnswManifest.PartPath(path, p);
            if (_sourceFiles is not null)
            {
                // Opened from files: the views are read-only maps of those files, so copying them is the saving.
                if (!string.Equals(Path.GetFullPath(_sourceFiles[p]), partPath, StringComparison.Ordinal))
                    File.Copy(_sourceFiles[p], partPath, overwrite: true);
            }
            else
            {
                var searcher = _parts[p].Rent(Parameters.ExpansionSearch); // any efSearch: saving does not search
                try { searcher.Index.Save(partPath); }
                finally { _parts[p].Return(searcher); }
            }
            entries[p] = new HnswPartEntry(_parts[p].Rows, new FileInfo(partPath).Length, Checksum64.OfFile(partPath));
        }
        var manifest = new HnswManifest(Dimension, Metric, Storage, Parameters, InputRows, entries);
        string temporary = path + ".tmp";
        File.WriteAllBytes(temporary, manifest.ToBytes());
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// Opens an index written by <see cref="Save"/>, memory-mapped read-only (USearch views): pages load as searches
    /// touch them. Every part's length and checksum are checked first (one sequential read of each file).
    /// </summary>
    /// <param name="expectedDimension">Dimension the caller will query with; a different one in the file is refused.</param>
    /// <param name="expectedMetric">Metric the caller expects; a different one in the file is refused.</param>
    /// <param name="maxConcurrentSearches">Views per sub-graph at most, hence threads searching one sub-graph at once; 0 = one per core.</param>
    /// <exception cref="FileNotFoundException">The manifest or a part file is missing.</exception>
    /// <exception cref="InvalidDataException">A file is truncated, damaged or not an index; the message names it.</exception>
    /// <exception cref="ArgumentException">The file's dimension or metric is not the expected one.</exception>
    public static HnswShardIndex Open(string path, int expectedDimension, IndexMetric expectedMetric, int maxConcurrentSearches = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegative(maxConcurrentSearches);
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"HNSW index {path} does not exist.", path);
        var manifest = HnswManifest.Read(path);
        if (manifest.Dimension != expectedDimension)
            throw new ArgumentException($"HNSW index {path} holds vectors of dimension {manifest.Dimension}, not the expected {expectedDimension}.", nameof(expectedDimension));
        if (manifest.Metric != expectedMetric)
            throw new ArgumentException($"HNSW index {path} was built for metric {manifest.Metric}, not the expected {expectedMetric}.", nameof(expectedMetric));

        var files = new string[manifest.Parts.Count];
        for (int p = 0; p < files.Length; p++)
        {
            files[p] = HnswManifest.PartPath(path, p);
            CheckPart(files[p], manifest.Parts[p]);
        }
        int capacity = maxConcurrentSearches > 0 ? maxConcurrentSearches : Environment.ProcessorCount;
        var pools = new List<HnswSearcherPool>(files.Length);
        try
        {
            for (int p = 0; p < files.Length; p++)
            {
                string file = files[p];
                long rows = manifest.Parts[p].Rows;
                var first = View(file, rows, manifest.Dimension);
                // Each view starts at the library's default efSearch; the searcher sets the one asked for.
                pools.Add(new HnswSearcherPool(first, () => View(file, rows, manifest.Dimension), capacity, rows));
            }
        }
        catch
        {
            foreach (var pool in pools) pool.Dispose();
            throw;
        }
        return new HnswShardIndex(pools.ToArray(), files, manifest.Dimension, manifest.Metric, manifest.Storage,
            manifest.Parameters, manifest.InputRows);
    }

    private static void CheckPart(string file, HnswPartEntry entry)
    {
        if (!File.Exists(file))
            throw new FileNotFoundException($"HNSW index part {file} does not exist.", file);
        long length = new FileInfo(file).Length;
        if (length != entry.Bytes)
            throw new InvalidDataException($"HNSW index part {file} is {length} bytes, its manifest says {entry.Bytes}: truncated or replaced.");
        if (Checksum64.OfFile(file) != entry.Checksum)
            throw new InvalidDataException($"HNSW index part {file} does not match its manifest checksum: damaged or replaced.");
    }

    private static USearchIndex View(string file, long rows, int dimension)
    {
        USearchIndex index;
        try
        {
            index = new USearchIndex(file, view: true);
        }
        catch (USearchException e)
        {
            throw new InvalidDataException($"HNSW index part {file} cannot be opened: {e.Message}", e);
        }
        ulong size = index.Size(), viewDimension = index.Dimensions();
        if (size != (ulong)rows || viewDimension != (ulong)dimension)
        {
            index.Dispose();
            throw new InvalidDataException($"HNSW index part {file} holds {size} x {viewDimension} vectors, its manifest says {rows} x {dimension}.");
        }
        return index;
    }
}
