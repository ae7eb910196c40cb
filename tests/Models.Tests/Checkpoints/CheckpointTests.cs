using System.Security.Cryptography;
using System.Text.Json;
using Pipeline.Models.Checkpoints;
using TorchSharp;

namespace Pipeline.Models.Tests.Checkpoints;

public sealed class CheckpointTests : IDisposable
{
    // sha256sum of the fixture file, computed outside .NET.
    private const string ConvNeXtSha256 = "9b24cbeea28f1c5c3042479973cf1309c17900b902d2c8e7d1a20828e58f75e8";

    private readonly string _folder = CheckpointFixtures.NewScratchFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Fixture => CheckpointFixtures.Model("convnext_v1_tiny", "weights_timm.safetensors");

    [Fact]
    public void OpensSingleFileWithHashNamesAndValues()
    {
        using var checkpoint = Checkpoint.Open(Fixture);
        using var reader = SafeTensorsReader.Open(Fixture);
        Assert.False(checkpoint.IsSharded);
        Assert.Equal(ConvNeXtSha256, checkpoint.Sha256);
        Assert.Equal(reader.Tensors.Select(t => t.Name), checkpoint.Names);
        Assert.Equal("timm", checkpoint.Metadata["naming"]);
        using var a = checkpoint.Read("stem.0.weight");
        using var b = reader.ReadTensor("stem.0.weight");
        Assert.Equal(b.bytes.ToArray(), a.bytes.ToArray());
    }

    [Fact]
    public void OpensFolderHoldingModelSafetensors()
    {
        File.Copy(Fixture, Path.Combine(_folder, "model.safetensors"));
        File.WriteAllText(Path.Combine(_folder, "config.json"), "{}");
        using var checkpoint = Checkpoint.Open(_folder);
        Assert.Equal(Path.Combine(_folder, "model.safetensors"), checkpoint.Path);
        Assert.Equal(ConvNeXtSha256, checkpoint.Sha256);
        Assert.Equal(65, checkpoint.Names.Count);
    }

    [Fact]
    public void OpensFolderWithOneDifferentlyNamedFile()
    {
        File.Copy(Fixture, Path.Combine(_folder, "diffusion_pytorch_model.safetensors"));
        using var checkpoint = Checkpoint.Open(_folder);
        Assert.Equal(65, checkpoint.Names.Count);
    }

    [Fact]
    public void RefusesAmbiguousOrEmptyFolder()
    {
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Open(_folder));
        Assert.Contains("holds no .safetensors file", error.Message);
        File.Copy(Fixture, Path.Combine(_folder, "a.safetensors"));
        File.Copy(Fixture, Path.Combine(_folder, "b.safetensors"));
        error = Assert.Throws<InvalidDataException>(() => Checkpoint.Open(_folder));
        Assert.Contains("several candidate checkpoints (a.safetensors, b.safetensors)", error.Message);
    }

    [Fact]
    public void ShardedCheckpointReadsLikeTheSingleFile()
    {
        var index = WriteShards(_folder, "model.safetensors.index.json");
        using var single = Checkpoint.Open(Fixture);
        using var sharded = Checkpoint.Open(_folder);
        Assert.True(sharded.IsSharded);
        Assert.Equal(index, sharded.Path);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(index))), sharded.Sha256);
        Assert.Equal(single.Names.Order(StringComparer.Ordinal), sharded.Names.Order(StringComparer.Ordinal));
        var all = sharded.ReadAll();
        try
        {
            foreach (var name in single.Names)
            {
                using var expected = single.Read(name);
                Assert.Equal(expected.shape, all[name].shape);
                Assert.True(expected.bytes.SequenceEqual(all[name].bytes), $"{name}: expected the single file's bytes from the shard");
            }
        }
        finally
        {
            foreach (var tensor in all.Values)
            {
                tensor.Dispose();
            }
        }
    }

    [Fact]
    public void RefusesTensorAbsentFromItsShard()
    {
        var index = WriteShards(_folder, "model.safetensors.index.json", map => map["not.there"] = "model-00001-of-00002.safetensors");
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Open(index));
        Assert.Contains("maps tensor 'not.there' to shard 'model-00001-of-00002.safetensors', which does not hold it", error.Message);
    }

    [Fact]
    public void RefusesTensorMappedToTheWrongShard()
    {
        var index = WriteShards(_folder, "model.safetensors.index.json", map => map["head.fc.bias"] = "model-00002-of-00002.safetensors");
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Open(index));
        Assert.Contains("'head.fc.bias'", error.Message);
    }

    [Fact]
    public void RefusesShardTensorsTheIndexDoesNotName()
    {
        var index = WriteShards(_folder, "model.safetensors.index.json", map => map.Remove("head.fc.bias"));
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Open(index));
        Assert.Contains("holds 1 tensor(s) the weight_map does not assign to it: head.fc.bias", error.Message);
    }

    [Fact]
    public void UnknownNameIsKeyNotFound()
    {
        using var checkpoint = Checkpoint.Open(Fixture);
        var error = Assert.Throws<KeyNotFoundException>(() => checkpoint.Read("nope"));
        Assert.Contains("'nope'", error.Message);
    }

    /// <summary>
    /// Splits the ConvNeXt fixture into two shards (head.* and stem.* in the first, the rest in the second) and writes
    /// an index; <paramref name="edit"/> may change the weight_map before it is written. Returns the index path.
    /// </summary>
    internal static string WriteShards(string folder, string indexName, Action<Dictionary<string, string>>? edit = null)
    {
        using var reader = SafeTensorsReader.Open(Fixture);
        var all = reader.ReadAll();
        try
        {
            var first = all.Where(kv => kv.Key.StartsWith("head.") || kv.Key.StartsWith("stem.")).ToDictionary();
            var second = all.Where(kv => !first.ContainsKey(kv.Key)).ToDictionary();
            const string firstName = "model-00001-of-00002.safetensors", secondName = "model-00002-of-00002.safetensors";
            SafeTensorsWriter.Write(Path.Combine(folder, firstName), first, reader.Metadata);
            SafeTensorsWriter.Write(Path.Combine(folder, secondName), second, reader.Metadata);
            var map = first.Keys.ToDictionary(k => k, _ => firstName);
            foreach (var key in second.Keys)
            {
                map[key] = secondName;
            }
            edit?.Invoke(map);
            var index = Path.Combine(folder, indexName);
            File.WriteAllText(index, JsonSerializer.Serialize(new { metadata = new { total_size = 462000 }, weight_map = map }));
            return index;
        }
        finally
        {
            foreach (var tensor in all.Values)
            {
                tensor.Dispose();
            }
        }
    }
}
