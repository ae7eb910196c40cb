using System.Text.Json;
using Pipeline.Models.Diffusion.Text;

namespace Pipeline.Models.Tests.Diffusion.Text;

/// <summary>
/// Every prompt of <c>Fixtures/lcm/tokenizer/prompts.json</c> against HF's slow CLIPTokenizer (with ftfy) run on
/// the real SD-1.5 vocabulary, read from the folder named by <c>PIPELINE_CLIP_VOCABULARY</c> (skipped without it).
/// </summary>
public sealed class ClipTokenizerPromptsTests
{
    private static readonly Lazy<ClipTokenizer?> Tokenizer = new(() =>
        ClipFixture.VocabularyFolder is { } folder ? ClipTokenizer.FromFolder(folder) : null);

    public static TheoryData<int> PromptIndices()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < ClipFixture.Prompts().GetArrayLength(); i++)
        {
            data.Add(i);
        }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(PromptIndices))]
    public void Encode_MatchesHuggingFaceSlowTokenizer(int index)
    {
        Skip.If(Tokenizer.Value is null, ClipFixture.SkipMessage);
        var tokenizer = Tokenizer.Value!;
        var prompt = ClipFixture.Prompts()[index];
        var text = prompt.GetProperty("text").GetString()!;
        var what = $"prompt {index} {JsonSerializer.Serialize(text)}";

        var expectedTokens = prompt.GetProperty("bpe_tokens").EnumerateArray().Select(e => e.GetString()!).ToList();
        var seenTokens = tokenizer.BpeTokens(text);
        Assert.True(expectedTokens.SequenceEqual(seenTokens),
            $"{what}: expected bpe tokens [{string.Join(" ", expectedTokens)}], seen [{string.Join(" ", seenTokens)}]");

        var expectedContent = prompt.GetProperty("content_ids_hf_slow").EnumerateArray().Select(e => e.GetInt32()).ToList();
        var seenContent = tokenizer.ContentIds(text);
        Assert.True(expectedContent.SequenceEqual(seenContent),
            $"{what}: expected content ids [{string.Join(", ", expectedContent)}], seen [{string.Join(", ", seenContent)}]");

        var encoded = tokenizer.Encode(text);
        var expectedIds = prompt.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        Assert.True(expectedIds.SequenceEqual(encoded.InputIds),
            $"{what}: expected input ids [{string.Join(", ", expectedIds)}], seen [{string.Join(", ", encoded.InputIds)}]");
        Assert.Equal(77, encoded.InputIds.Length);
        Assert.Equal(prompt.GetProperty("truncated").GetBoolean(), encoded.Truncated);
        Assert.Equal(prompt.GetProperty("num_content_tokens").GetInt32(), encoded.ContentTokens);
    }

    [SkippableFact]
    public void FromFolder_ReadsSd15SpecialTokens()
    {
        Skip.If(Tokenizer.Value is null, ClipFixture.SkipMessage);
        var tokenizer = Tokenizer.Value!;
        using var document = JsonDocument.Parse(File.ReadAllBytes(ClipFixture.LcmDir("tokenizer", "prompts.json")));
        var root = document.RootElement;
        Assert.Equal(root.GetProperty("bos_token_id").GetInt32(), tokenizer.BosId);
        Assert.Equal(root.GetProperty("eos_token_id").GetInt32(), tokenizer.EosId);
        Assert.Equal(root.GetProperty("pad_token_id").GetInt32(), tokenizer.PadId);
        Assert.Equal(root.GetProperty("model_max_length").GetInt32(), tokenizer.MaxLength);
        Assert.Equal(49408, tokenizer.VocabularySize);
    }
}
