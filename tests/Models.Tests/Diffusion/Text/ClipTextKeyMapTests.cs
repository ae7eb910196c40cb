using System.Text.RegularExpressions;
using Pipeline.Models.Diffusion.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Diffusion.Text;

/// <summary><see cref="ClipTextKeyMap"/>: OpenAI CLIP names round-trip to the HF names and values.</summary>
public sealed class ClipTextKeyMapTests
{
    /// <summary>HF -> OpenAI names (the README table read backwards); q, k, v are concatenated into in_proj.</summary>
    internal static Dictionary<string, Tensor> ToOpenAi(Dictionary<string, Tensor> hf)
    {
        var openai = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var layers = hf.Keys.Select(k => Regex.Match(k, @"^text_model\.encoder\.layers\.(\d+)\.")).Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Distinct();
        foreach (var i in layers)
        {
            var hfPrefix = $"text_model.encoder.layers.{i}.";
            var prefix = $"transformer.resblocks.{i}.";
            foreach (var suffix in new[] { "weight", "bias" })
            {
                openai[$"{prefix}attn.in_proj_{suffix}"] = torch.cat(
                    [hf[$"{hfPrefix}self_attn.q_proj.{suffix}"], hf[$"{hfPrefix}self_attn.k_proj.{suffix}"], hf[$"{hfPrefix}self_attn.v_proj.{suffix}"]], 0);
                openai[$"{prefix}attn.out_proj.{suffix}"] = hf[$"{hfPrefix}self_attn.out_proj.{suffix}"].clone();
                openai[$"{prefix}ln_1.{suffix}"] = hf[$"{hfPrefix}layer_norm1.{suffix}"].clone();
                openai[$"{prefix}ln_2.{suffix}"] = hf[$"{hfPrefix}layer_norm2.{suffix}"].clone();
                openai[$"{prefix}mlp.c_fc.{suffix}"] = hf[$"{hfPrefix}mlp.fc1.{suffix}"].clone();
                openai[$"{prefix}mlp.c_proj.{suffix}"] = hf[$"{hfPrefix}mlp.fc2.{suffix}"].clone();
            }
        }
        openai["token_embedding.weight"] = hf["text_model.embeddings.token_embedding.weight"].clone();
        openai["positional_embedding"] = hf["text_model.embeddings.position_embedding.weight"].clone();
        openai["ln_final.weight"] = hf["text_model.final_layer_norm.weight"].clone();
        openai["ln_final.bias"] = hf["text_model.final_layer_norm.bias"].clone();
        if (hf.TryGetValue(ClipTextKeyMap.TextProjectionKey, out var projection))
        {
            openai["text_projection"] = projection.t().contiguous();
        }
        return openai;
    }

    [Fact]
    public void ToHuggingFace_InvertsTheOpenAiLayout()
    {
        var hf = ClipFixture.Read(Path.Combine(ClipFixture.TextEncoderDir, "model.safetensors"));
        hf[ClipTextKeyMap.TextProjectionKey] = torch.randn(16, 32);
        var mapped = ClipTextKeyMap.ToHuggingFace(ToOpenAi(hf));
        try
        {
            var missing = hf.Keys.Except(mapped.Keys).ToList();
            var extra = mapped.Keys.Except(hf.Keys).ToList();
            Assert.True(missing.Count == 0 && extra.Count == 0,
                $"expected the HF key set; missing [{string.Join(", ", missing)}], extra [{string.Join(", ", extra)}]");
            foreach (var (key, value) in hf)
            {
                Assert.True(value.shape.SequenceEqual(mapped[key].shape) && value.eq(mapped[key]).all().item<bool>(), $"{key}: expected the HF tensor back, seen different values or shape");
            }
        }
        finally
        {
            ClipFixture.DisposeAll(hf.Values);
            ClipFixture.DisposeAll(mapped.Values);
        }
    }

    [Fact]
    public void ToHuggingFace_LeavesHuggingFaceNamesAlone()
    {
        var hf = ClipFixture.Read(Path.Combine(ClipFixture.TextEncoderDir, "model.safetensors"));
        try
        {
            Assert.False(ClipTextKeyMap.IsOpenAi(hf.Keys));
            Assert.Same(hf, ClipTextKeyMap.ToHuggingFace(hf));
        }
        finally
        {
            ClipFixture.DisposeAll(hf.Values);
        }
    }
}
