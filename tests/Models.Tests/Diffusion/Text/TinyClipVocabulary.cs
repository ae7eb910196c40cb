using System.Text.Json;

namespace Pipeline.Models.Tests.Diffusion.Text;

/// <summary>
/// Writes a tiny CLIP-layout tokenizer folder (vocab.json, merges.txt, tokenizer_config.json) laid out as the
/// real one: printable ASCII symbols, the same with <c>&lt;/w&gt;</c>, one token per merge, then the specials.
/// Printable ASCII bytes map to themselves under bytes_to_unicode, so the tokens read as plain text.
/// </summary>
internal sealed class TinyClipVocabulary : IDisposable
{
    public static readonly string[] DefaultMerges = ["l o", "lo w</w>", "e r</w>", "lo w", "low er</w>", "c a", "ca t</w>", "' s</w>"];

    public TinyClipVocabulary(string[]? merges = null, string? tokenizerConfig = null, bool writeMerges = true)
    {
        Folder = ClipFixture.NewTempFolder("clip-tiny-tokenizer");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var c = '!'; c <= '~'; c++)
        {
            vocab[c.ToString()] = vocab.Count;
        }
        for (var c = '!'; c <= '~'; c++)
        {
            vocab[c + "</w>"] = vocab.Count;
        }
        merges ??= DefaultMerges;
        foreach (var merge in merges)
        {
            vocab.TryAdd(merge.Replace(" ", "", StringComparison.Ordinal), vocab.Count);
        }
        vocab["<|startoftext|>"] = vocab.Count;
        vocab["<|endoftext|>"] = vocab.Count;
        Vocab = vocab;
        File.WriteAllText(Path.Combine(Folder, "vocab.json"), JsonSerializer.Serialize(vocab));
        if (writeMerges)
        {
            File.WriteAllLines(Path.Combine(Folder, "merges.txt"), ["#version: 0.2", .. merges]);
        }
        File.WriteAllText(Path.Combine(Folder, "tokenizer_config.json"), tokenizerConfig ?? """
            {
              "bos_token": {"content": "<|startoftext|>", "lstrip": false, "normalized": true, "rstrip": false, "single_word": false},
              "eos_token": {"content": "<|endoftext|>", "lstrip": false, "normalized": true, "rstrip": false, "single_word": false},
              "pad_token": "<|endoftext|>",
              "unk_token": {"content": "<|endoftext|>"},
              "model_max_length": 77
            }
            """);
    }

    public string Folder { get; }

    public IReadOnlyDictionary<string, int> Vocab { get; }

    public int Id(string token) => Vocab[token];

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp folder left behind is harmless
        }
    }
}
