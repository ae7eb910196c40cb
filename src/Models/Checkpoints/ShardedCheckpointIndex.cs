using System.Text.Json;

namespace Pipeline.Models.Checkpoints;

/// <summary>
/// The <c>model.safetensors.index.json</c> of a sharded checkpoint (Hugging Face layout):
/// <c>{"metadata": {...}, "weight_map": {tensor name: shard file name}}</c>. Parsing refuses shard paths that are
/// absolute or leave the index's folder, and shards that do not exist.
/// </summary>
public sealed class ShardedCheckpointIndex
{
    /// <summary>Largest index file accepted, in bytes.</summary>
    public const long MaxIndexLength = 100_000_000;

    private ShardedCheckpointIndex(string path, IReadOnlyList<KeyValuePair<string, string>> weightMap)
    {
        Path = path;
        WeightMap = weightMap;
    }

    /// <summary>The index file.</summary>
    public string Path { get; }

    /// <summary>Tensor name to the full path of its shard, in the index's order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> WeightMap { get; }

    /// <summary>The distinct shard paths, in order of first appearance.</summary>
    public IReadOnlyList<string> Shards => WeightMap.Select(kv => kv.Value).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Reads and validates an index file.</summary>
    /// <exception cref="InvalidDataException">The index is malformed, escapes its folder, or names a missing shard.</exception>
    public static ShardedCheckpointIndex Load(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"sharded checkpoint index '{path}' does not exist", path);
        }
        if (info.Length > MaxIndexLength)
        {
            throw Invalid(path, $"index is {info.Length} bytes, above the cap of {MaxIndexLength}");
        }
        var folder = System.IO.Path.GetFullPath(info.DirectoryName!);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw Invalid(path, $"index is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(path, $"index is a JSON {root.ValueKind}, expected an object");
            }
            if (!root.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(path, "index has no 'weight_map' object");
            }
            var entries = new List<KeyValuePair<string, string>>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            var checkedShards = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in map.EnumerateObject())
            {
                if (!names.Add(entry.Name))
                {
                    throw Invalid(path, $"weight_map names tensor '{entry.Name}' twice");
                }
                if (entry.Value.ValueKind != JsonValueKind.String)
                {
                    throw Invalid(path, $"weight_map entry '{entry.Name}' is a JSON {entry.Value.ValueKind}, expected a shard file name");
                }
                var shard = ResolveShard(folder, entry.Value.GetString()!, entry.Name, path);
                if (checkedShards.Add(shard) && !File.Exists(shard))
                {
                    throw Invalid(path, $"weight_map maps tensor '{entry.Name}' to shard '{entry.Value.GetString()}', which does not exist");
                }
                entries.Add(new(entry.Name, shard));
            }
            if (entries.Count == 0)
            {
                throw Invalid(path, "weight_map is empty");
            }
            return new ShardedCheckpointIndex(path, entries);
        }
    }

    private static string ResolveShard(string folder, string shard, string tensor, string path)
    {
        if (shard.Length == 0 || System.IO.Path.IsPathRooted(shard) || shard.Contains('\0'))
        {
            throw Invalid(path, $"weight_map maps tensor '{tensor}' to shard '{shard}': shard names must be relative paths inside the index's folder");
        }
        var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, shard));
        var root = folder.EndsWith(System.IO.Path.DirectorySeparatorChar) ? folder : folder + System.IO.Path.DirectorySeparatorChar;
        if (!full.StartsWith(root, StringComparison.Ordinal))
        {
            throw Invalid(path, $"weight_map maps tensor '{tensor}' to shard '{shard}', which escapes the index's folder");
        }
        return full;
    }

    private static InvalidDataException Invalid(string path, string message, Exception? inner = null) =>
        new($"sharded checkpoint index '{path}': {message}", inner);
}
