using Pipeline.Models.Checkpoints;

namespace Pipeline.Models.Tests.Checkpoints;

public sealed class ShardedCheckpointIndexTests : IDisposable
{
    private readonly string _folder = CheckpointFixtures.NewScratchFolder();

    public ShardedCheckpointIndexTests()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "sub"));
        File.WriteAllBytes(Path.Combine(_folder, "a.safetensors"), []);
        File.WriteAllBytes(Path.Combine(_folder, "sub", "b.safetensors"), []);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string, string, string> BadIndexes => new()
    {
        { "escapes with ..", "{\"weight_map\": {\"w\": \"../a.safetensors\"}}", "shard '../a.safetensors', which escapes the index's folder" },
        { "escapes from a subfolder", "{\"weight_map\": {\"w\": \"sub/../../x.safetensors\"}}", "which escapes the index's folder" },
        { "absolute path", "{\"weight_map\": {\"w\": \"/etc/passwd\"}}", "shard names must be relative paths" },
        { "empty shard name", "{\"weight_map\": {\"w\": \"\"}}", "shard names must be relative paths" },
        { "missing shard", "{\"weight_map\": {\"w\": \"a.safetensors\", \"v\": \"gone.safetensors\"}}", "maps tensor 'v' to shard 'gone.safetensors', which does not exist" },
        { "no weight_map", "{\"metadata\": {}}", "has no 'weight_map' object" },
        { "weight_map not an object", "{\"weight_map\": [\"a.safetensors\"]}", "has no 'weight_map' object" },
        { "shard not a string", "{\"weight_map\": {\"w\": 1}}", "entry 'w' is a JSON Number" },
        { "duplicate tensor", "{\"weight_map\": {\"w\": \"a.safetensors\", \"w\": \"a.safetensors\"}}", "names tensor 'w' twice" },
        { "empty weight_map", "{\"weight_map\": {}}", "weight_map is empty" },
        { "invalid JSON", "{\"weight_map\": {", "not valid JSON" },
        { "not an object", "[]", "index is a JSON Array" },
    };

    [Theory]
    [MemberData(nameof(BadIndexes))]
    public void RefusesBadIndex(string name, string json, string expected)
    {
        var path = Path.Combine(_folder, "model.safetensors.index.json");
        File.WriteAllText(path, json);
        var error = Assert.Throws<InvalidDataException>(() => ShardedCheckpointIndex.Load(path));
        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{name}: expected a message containing \"{expected}\", saw \"{error.Message}\"");
    }

    [Fact]
    public void ResolvesShardsInsideTheFolderIncludingSubfolders()
    {
        var path = Path.Combine(_folder, "model.safetensors.index.json");
        File.WriteAllText(path, "{\"weight_map\": {\"w\": \"a.safetensors\", \"v\": \"sub/b.safetensors\", \"u\": \"./a.safetensors\"}}");
        var index = ShardedCheckpointIndex.Load(path);
        Assert.Equal(["w", "v", "u"], index.WeightMap.Select(kv => kv.Key));
        Assert.Equal([Path.Combine(_folder, "a.safetensors"), Path.Combine(_folder, "sub", "b.safetensors")], index.Shards);
    }
}
