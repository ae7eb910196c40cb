using System.Text.Json;
using Pipeline.Models.Checkpoints;
using Pipeline.Models.Registry;
using Pipeline.Models.Vision;
using TorchSharp;
using static TorchSharp.torch;
using F = Pipeline.Models.Tests.Vision.VisionTransformerFixture;

namespace Pipeline.Models.Tests.Vision;

/// <summary>Key maps timm &lt;-&gt; Hugging Face &lt;-&gt; facebookresearch/dinov2 against the fixtures' three files and keymap.json.</summary>
public sealed class VisionTransformerKeyMapTests
{
    [Theory]
    [InlineData("dinov2_tiny", CheckpointNaming.HuggingFace, "weights_hf.safetensors")]
    [InlineData("dinov2_tiny", CheckpointNaming.Original, "weights_orig.safetensors")]
    [InlineData("dinov2_reg_tiny", CheckpointNaming.HuggingFace, "weights_hf.safetensors")]
    [InlineData("dinov2_reg_tiny", CheckpointNaming.Original, "weights_orig.safetensors")]
    public void ImportGivesTheTimmFileExactly(string fixtureCase, CheckpointNaming naming, string file)
    {
        using var scope = NewDisposeScope();
        var config = F.Config(fixtureCase);
        var timm = F.Read(fixtureCase, "weights_timm.safetensors");
        timm.Remove("head.weight");
        timm.Remove("head.bias");
        var converted = config.ToTimmNames(F.Read(fixtureCase, file), naming);
        Assert.Equal(timm.Keys.Order(StringComparer.Ordinal), converted.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, expected) in timm)
        {
            // Bit-exact: renames, a row concatenation, and (registers) one fp32 add, as timm's own converter does.
            F.AssertClose(expected, converted[key], $"{fixtureCase} {naming} {key}", 0);
        }
    }

    [Theory]
    [InlineData("dinov2_tiny")]
    [InlineData("dinov2_reg_tiny")]
    public void ExportUsesEveryNameOfKeymapJson(string fixtureCase)
    {
        using var scope = NewDisposeScope();
        var config = F.Config(fixtureCase);
        var timm = F.Read(fixtureCase, "weights_timm.safetensors");
        timm.Remove("head.weight");
        timm.Remove("head.bias");
        var hfFile = F.Read(fixtureCase, "weights_hf.safetensors");
        var origFile = F.Read(fixtureCase, "weights_orig.safetensors");
        var hf = VisionTransformerKeyMap.ToHuggingFace(timm, config);
        var orig = VisionTransformerKeyMap.ToOriginal(timm, config);
        Assert.Equal(hfFile.Keys.Order(StringComparer.Ordinal), hf.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(origFile.Keys.Order(StringComparer.Ordinal), orig.Keys.Order(StringComparer.Ordinal));

        using var keymap = JsonDocument.Parse(File.ReadAllText(Path.Combine(F.CaseDir(fixtureCase), "keymap.json")));
        var checkedEntries = 0;
        foreach (var entry in keymap.RootElement.EnumerateArray())
        {
            var note = entry.GetProperty("note").GetString()!;
            if (entry.GetProperty("timm").ValueKind != JsonValueKind.String || note != "identical" && !note.StartsWith("split", StringComparison.Ordinal))
            {
                continue; // head (timm only), mask_token (not in timm), folded class position: checked by round trips
            }
            var hfNames = entry.GetProperty("hf").ValueKind == JsonValueKind.Array
                ? entry.GetProperty("hf").EnumerateArray().Select(e => e.GetString()!).ToArray()
                : [entry.GetProperty("hf").GetString()!];
            foreach (var name in hfNames)
            {
                F.AssertClose(hfFile[name], hf[name], $"{fixtureCase} export {name}", 0);
            }
            var origName = entry.GetProperty("orig").GetString()!;
            F.AssertClose(origFile[origName], orig[origName], $"{fixtureCase} export {origName}", 0);
            checkedEntries++;
        }
        // 14 keys per block x 3 blocks, plus cls, pos, patch_embed (2), norm (2); for registers cls and pos are
        // folded (checked by the round trips) and reg_token is added.
        var expectedEntries = 3 * 14 + (fixtureCase == "dinov2_reg_tiny" ? 5 : 6);
        Assert.True(checkedEntries == expectedEntries, $"expected {expectedEntries} keymap.json entries checked, seen {checkedEntries}");
    }

    [Theory]
    [InlineData("dinov2_tiny")]
    [InlineData("dinov2_reg_tiny")]
    public void RoundTripsAreExact(string fixtureCase)
    {
        using var scope = NewDisposeScope();
        var config = F.Config(fixtureCase);
        var timm = F.Read(fixtureCase, "weights_timm.safetensors");
        var viaHf = VisionTransformerKeyMap.FromHuggingFace(VisionTransformerKeyMap.ToHuggingFace(timm, config), config);
        var viaOrig = VisionTransformerKeyMap.FromOriginal(VisionTransformerKeyMap.ToOriginal(timm, config), config);
        foreach (var (key, expected) in timm)
        {
            F.AssertClose(expected, viaHf[key], $"{fixtureCase} timm->hf->timm {key}", 0);
            F.AssertClose(expected, viaOrig[key], $"{fixtureCase} timm->orig->timm {key}", 0);
        }
        Assert.Equal(timm.Count, viaHf.Count);
        Assert.Equal(timm.Count, viaOrig.Count);
    }

    [Fact]
    public void SwiGluNamesMapInBothDirections()
    {
        using var scope = NewDisposeScope();
        var config = F.Config("dinov2_tiny") with { SwiGlu = true, MlpHidden = 256 };
        using var model = config.Create(0, device: null);
        var timm = model.state_dict();
        Assert.Equal([256L, 48L], timm["blocks.0.mlp.fc1.weight"].shape);
        Assert.Equal([48L, 128L], timm["blocks.0.mlp.fc2.weight"].shape);
        var hf = VisionTransformerKeyMap.ToHuggingFace(timm, config);
        var orig = VisionTransformerKeyMap.ToOriginal(timm, config);
        Assert.Contains("encoder.layer.2.mlp.weights_in.weight", hf.Keys);
        Assert.Contains("encoder.layer.2.mlp.weights_out.bias", hf.Keys);
        Assert.Contains("blocks.2.mlp.w12.weight", orig.Keys);
        Assert.Contains("blocks.2.mlp.w3.bias", orig.Keys);
        Assert.DoesNotContain(hf.Keys, k => k.Contains(".fc1.", StringComparison.Ordinal));
        StateDictLoader.LoadStrict(model, VisionTransformerKeyMap.FromHuggingFace(hf, config));
        StateDictLoader.LoadStrict(model, VisionTransformerKeyMap.FromOriginal(orig, config));
    }

    [Fact]
    public void ChunkedOriginalBlocksAndPrefixedHfKeysAreAccepted()
    {
        using var scope = NewDisposeScope();
        var config = F.Config("dinov2_tiny");
        var orig = F.Read("dinov2_tiny", "weights_orig.safetensors");
        // facebookresearch/dinov2 with block_chunks=1 saves blocks.0.N.* (chunk 0, global block index N).
        var chunked = orig.ToDictionary(kv => kv.Key.StartsWith("blocks.", StringComparison.Ordinal) ? "blocks.0." + kv.Key["blocks.".Length..] : kv.Key, kv => kv.Value);
        var fromChunked = VisionTransformerKeyMap.FromOriginal(chunked, config);
        Assert.Contains("blocks.2.attn.qkv.weight", fromChunked.Keys);
        var hf = F.Read("dinov2_tiny", "weights_hf.safetensors");
        var prefixed = hf.ToDictionary(kv => "dinov2." + kv.Key, kv => kv.Value);
        using var model = config.Create(0, device: null);
        StateDictLoader.LoadStrict(model, VisionTransformerKeyMap.FromHuggingFace(prefixed, config));
        StateDictLoader.LoadStrict(model, fromChunked);
    }

    [Fact]
    public void IncompleteQkvIsLeftForTheStrictLoaderToName()
    {
        using var scope = NewDisposeScope();
        var config = F.Config("dinov2_tiny");
        var hf = F.Read("dinov2_tiny", "weights_hf.safetensors");
        hf.Remove("encoder.layer.1.attention.attention.key.weight");
        var converted = VisionTransformerKeyMap.FromHuggingFace(hf, config);
        Assert.Contains("encoder.layer.1.attention.attention.query.weight", converted.Keys);
        using var model = config.Create(0, device: null);
        var error = Assert.Throws<InvalidDataException>(() => StateDictLoader.LoadStrict(model, converted));
        Assert.Contains("blocks.1.attn.qkv.weight", error.Message);
        Assert.Contains("encoder.layer.1.attention.attention.value.weight", error.Message);
    }
}
