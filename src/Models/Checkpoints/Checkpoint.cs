using System.Security.Cryptography;
using TorchSharp;

namespace Pipeline.Models.Checkpoints;

/// <summary>
/// A whole checkpoint: one <c>.safetensors</c> file, a sharded one (<c>*.safetensors.index.json</c> with a
/// <c>weight_map</c>), or a folder holding either. Every shard header is opened and validated up front, and every
/// <c>weight_map</c> entry is checked against its shard; tensor data is read lazily, from the right shard, on
/// <see cref="Read"/>. Thread-safe for concurrent reads.
/// </summary>
public sealed class Checkpoint : IDisposable
{
    /// <summary>File names looked for, in this order, when <see cref="Open"/> is given a folder.</summary>
    public static readonly IReadOnlyList<string> PreferredFileNames = ["model.safetensors", "model.safetensors.index.json"];

    private readonly IReadOnlyList<SafeTensorsReader> _readers;
    private readonly Dictionary<string, SafeTensorsReader> _owners;
    private readonly List<string> _names;
    private readonly Lazy<string> _sha256;

    private Checkpoint(string path, bool isSharded, IReadOnlyList<SafeTensorsReader> readers, List<string> names, Dictionary<string, SafeTensorsReader> owners)
    {
        Path = path;
        IsSharded = isSharded;
        _readers = readers;
        _names = names;
        _owners = owners;
        _sha256 = new Lazy<string>(() => HashFile(path), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The safetensors file, or the index file of a sharded checkpoint.</summary>
    public string Path { get; }

    /// <summary>True when the checkpoint is an index plus shards.</summary>
    public bool IsSharded { get; }

    /// <summary>
    /// Lower-case hex SHA-256 of <see cref="Path"/>: the file, or the index file of a sharded checkpoint.
    /// Computed (streaming) on first use.
    /// </summary>
    public string Sha256 => _sha256.Value;

    /// <summary>Tensor names: header order for one file, <c>weight_map</c> order for a sharded checkpoint.</summary>
    public IReadOnlyCollection<string> Names => _names;

    /// <summary>The <c>__metadata__</c> of a single-file checkpoint, or of the first shard.</summary>
    public IReadOnlyDictionary<string, string> Metadata => _readers[0].Metadata;

    /// <summary>Opens a file (<c>.safetensors</c> or an index <c>.json</c>) or a folder holding one.</summary>
    /// <exception cref="InvalidDataException">Malformed files, an inconsistent index, or a folder without a clear checkpoint.</exception>
    public static Checkpoint Open(string pathOrFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(pathOrFolder);
        var path = Directory.Exists(pathOrFolder) ? FindInFolder(pathOrFolder) : pathOrFolder;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"checkpoint '{path}' does not exist", path);
        }
        return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? OpenSharded(path) : OpenSingle(path);
    }

    /// <summary>True when the checkpoint holds a tensor of this name.</summary>
    public bool Contains(string name) => _owners.ContainsKey(name);

    /// <summary>The header entry of <paramref name="name"/> (offsets relative to its shard's data region).</summary>
    public SafeTensorInfo GetInfo(string name) => Owner(name).GetInfo(name);

    /// <summary>Reads one tensor into a new CPU tensor of its stored dtype; the caller owns it.</summary>
    public torch.Tensor Read(string name) => Owner(name).ReadTensor(name);

    /// <summary>Copies one tensor straight into <paramref name="destination"/> (see <see cref="SafeTensorsReader.ReadInto"/>).</summary>
    public void ReadInto(string name, torch.Tensor destination) => Owner(name).ReadInto(name, destination);

    /// <summary>
    /// Fills <paramref name="destination"/> with tensor <paramref name="name"/>: straight from the file when it is a
    /// contiguous CPU tensor of the stored dtype, else through a temporary that is converted and disposed at once.
    /// Shapes must agree (not checked here: callers check them up front).
    /// </summary>
    public void CopyTo(string name, torch.Tensor destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (SafeTensorsReader.CanReadInto(GetInfo(name), destination))
        {
            ReadInto(name, destination);
            return;
        }
        using var source = Read(name);
        // In TorchSharp 0.107 in-place ops return the very same Tensor object: never dispose the result.
        destination.copy_(source);
    }

    /// <summary>Reads every tensor, in <see cref="Names"/> order; the caller owns the tensors.</summary>
    public Dictionary<string, torch.Tensor> ReadAll() => TensorDictionary.ReadAll(_names, Read);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var reader in _readers)
        {
            reader.Dispose();
        }
    }

    private SafeTensorsReader Owner(string name) =>
        _owners.TryGetValue(name, out var reader)
            ? reader
            : throw new KeyNotFoundException($"checkpoint '{Path}' holds no tensor '{name}'");

    private static string FindInFolder(string folder)
    {
        foreach (var preferred in PreferredFileNames)
        {
            var candidate = System.IO.Path.Combine(folder, preferred);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        var indexes = Directory.GetFiles(folder, "*.safetensors.index.json");
        if (indexes.Length == 1)
        {
            return indexes[0];
        }
        var files = Directory.GetFiles(folder, "*.safetensors");
        if (indexes.Length == 0 && files.Length == 1)
        {
            return files[0];
        }
        var found = indexes.Concat(files).Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        throw new InvalidDataException(found.Count == 0
            ? $"folder '{folder}' holds no .safetensors file and no .safetensors.index.json"
            : $"folder '{folder}' holds several candidate checkpoints ({string.Join(", ", found)}) and none named {string.Join(" or ", PreferredFileNames)}: pass the file");
    }

    private static Checkpoint OpenSingle(string path)
    {
        var reader = SafeTensorsReader.Open(path);
        var names = reader.Tensors.Select(t => t.Name).ToList();
        return new Checkpoint(path, isSharded: false, [reader], names, names.ToDictionary(n => n, _ => reader, StringComparer.Ordinal));
    }

    private static Checkpoint OpenSharded(string path)
    {
        var index = ShardedCheckpointIndex.Load(path);
        var readers = new Dictionary<string, SafeTensorsReader>(StringComparer.Ordinal);
        try
        {
            foreach (var shard in index.Shards)
            {
                readers.Add(shard, SafeTensorsReader.Open(shard));
            }
            var owners = new Dictionary<string, SafeTensorsReader>(StringComparer.Ordinal);
            foreach (var (name, shard) in index.WeightMap)
            {
                var reader = readers[shard];
                if (!reader.Contains(name))
                {
                    throw new InvalidDataException($"sharded checkpoint index '{path}': weight_map maps tensor '{name}' to shard '{System.IO.Path.GetFileName(shard)}', which does not hold it");
                }
                owners.Add(name, reader);
            }
            foreach (var (shard, reader) in readers)
            {
                var stray = reader.Tensors.Where(t => !owners.TryGetValue(t.Name, out var owner) || owner != reader).Select(t => t.Name).ToList();
                if (stray.Count > 0)
                {
                    throw new InvalidDataException($"sharded checkpoint index '{path}': shard '{System.IO.Path.GetFileName(shard)}' holds {stray.Count} tensor(s) the weight_map does not assign to it: {string.Join(", ", stray.Take(StateDictLoader.MaxKeysListed))}");
                }
            }
            return new Checkpoint(path, isSharded: true, readers.Values.ToList(), index.WeightMap.Select(kv => kv.Key).ToList(), owners);
        }
        catch
        {
            foreach (var reader in readers.Values)
            {
                reader.Dispose();
            }
            throw;
        }
    }

    private static string HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
