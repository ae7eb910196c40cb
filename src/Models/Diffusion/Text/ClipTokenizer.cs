using System.Collections.Concurrent;

namespace Pipeline.Models.Diffusion.Text;

/// <summary>
/// The CLIP byte-level BPE tokenizer as Hugging Face's slow <c>CLIPTokenizer</c> (with ftfy) runs it for SD-1.5:
/// special-token literals are split out, each chunk is cleaned (<see cref="ClipTextCleaner"/>), split into words
/// by CLIP's pattern, UTF-8 bytes are mapped to the BPE alphabet, <c>&lt;/w&gt;</c> marks the word's last symbol,
/// and the lowest-ranked merge is applied until none applies. Prompt ids must match the ones the text encoder
/// was trained with, which is why this is a faithful port and not a generic BPE. Thread-safe.
/// </summary>
public sealed partial class ClipTokenizer
{
    /// <summary>Words whose BPE result is cached, at most (the cache stops growing there).</summary>
    public const int MaxCachedWords = 100_000;

    private const string EndOfWord = "</w>";

    private readonly Dictionary<string, int> _encoder;
    private readonly Dictionary<(string, string), int> _ranks;
    private readonly ConcurrentDictionary<string, string[]> _cache = new(StringComparer.Ordinal);
    private readonly string[] _specialTokens;
    private int _cachedWords; // ConcurrentDictionary.Count takes every lock; count additions instead

    private ClipTokenizer(Dictionary<string, int> encoder, Dictionary<(string, string), int> ranks, ClipSpecialTokens specials, int maxLength)
    {
        _encoder = encoder;
        _ranks = ranks;
        BosToken = specials.Bos;
        EosToken = specials.Eos;
        PadToken = specials.Pad;
        UnkToken = specials.Unk;
        BosId = encoder[specials.Bos];
        EosId = encoder[specials.Eos];
        PadId = encoder[specials.Pad];
        UnkId = encoder[specials.Unk];
        MaxLength = maxLength;
        // Longest first, so the split takes the longest literal at a position (as HF's added-token trie does).
        _specialTokens = new[] { specials.Bos, specials.Eos, specials.Pad, specials.Unk }
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(t => t.Length)
            .ToArray();
    }

    /// <summary>Beginning-of-text token (SD-1.5: <c>&lt;|startoftext|&gt;</c>).</summary>
    public string BosToken { get; }

    /// <summary>End-of-text token (SD-1.5: <c>&lt;|endoftext|&gt;</c>).</summary>
    public string EosToken { get; }

    /// <summary>Padding token (SD-1.5: <c>&lt;|endoftext|&gt;</c>; SD-2 uses "!").</summary>
    public string PadToken { get; }

    /// <summary>Token for pieces missing from the vocabulary.</summary>
    public string UnkToken { get; }

    /// <summary>Id of <see cref="BosToken"/> (SD-1.5: 49406).</summary>
    public int BosId { get; }

    /// <summary>Id of <see cref="EosToken"/> (SD-1.5: 49407).</summary>
    public int EosId { get; }

    /// <summary>Id of <see cref="PadToken"/> (SD-1.5: 49407).</summary>
    public int PadId { get; }

    /// <summary>Id of <see cref="UnkToken"/>.</summary>
    public int UnkId { get; }

    /// <summary>Model input length, bos and eos included (<c>model_max_length</c>, 77).</summary>
    public int MaxLength { get; }

    /// <summary>Vocabulary size (entries of <c>vocab.json</c>).</summary>
    public int VocabularySize => _encoder.Count;

    /// <summary>
    /// <c>tokenizer(prompt, padding="max_length", max_length=MaxLength, truncation=True)</c>:
    /// <c>[bos] + content[:MaxLength-2] + [eos]</c>, then pad ids up to <see cref="MaxLength"/>.
    /// </summary>
    public ClipTokens Encode(string prompt)
    {
        var content = ContentIds(prompt);
        var room = MaxLength - 2;
        var kept = Math.Min(room, content.Count);
        var ids = new long[MaxLength];
        ids[0] = BosId;
        for (var i = 0; i < kept; i++)
        {
            ids[1 + i] = content[i];
        }
        ids[1 + kept] = EosId;
        for (var i = kept + 2; i < MaxLength; i++)
        {
            ids[i] = PadId;
        }
        return new ClipTokens(ids, content.Count, content.Count > room);
    }

    /// <summary>The ids of <paramref name="text"/> without bos/eos or padding (special-token literals included).</summary>
    public IReadOnlyList<int> ContentIds(string text) =>
        BpeTokens(text).Select(t => _encoder.TryGetValue(t, out var id) ? id : UnkId).ToList();

    /// <summary>HF <c>tokenize(text)</c>: the BPE token strings (with <c>&lt;/w&gt;</c>), special literals as themselves.</summary>
    public IReadOnlyList<string> BpeTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<string>();
        foreach (var (chunk, special) in SplitSpecial(text))
        {
            if (special)
            {
                tokens.Add(chunk);
                continue;
            }
            foreach (var word in ClipPreTokenizer.Split(ClipTextCleaner.Clean(chunk)))
            {
                tokens.AddRange(Bpe(ClipByteEncoder.EncodeUtf8(word)));
            }
        }
        return tokens;
    }

    /// <summary>The text cut at special-token literals: (chunk, false) pieces of text and (literal, true) tokens.</summary>
    private IEnumerable<(string Text, bool Special)> SplitSpecial(string text)
    {
        var start = 0;
        var i = 0;
        while (i < text.Length)
        {
            var literal = _specialTokens.FirstOrDefault(t => string.CompareOrdinal(text, i, t, 0, t.Length) == 0);
            if (literal is null)
            {
                i++;
                continue;
            }
            if (i > start)
            {
                yield return (text[start..i], false);
            }
            yield return (literal, true);
            i += literal.Length;
            start = i;
        }
        if (start < text.Length)
        {
            yield return (text[start..], false);
        }
    }

    /// <summary>CLIPTokenizer.bpe: greedy lowest-rank merges over one byte-encoded word.</summary>
    private string[] Bpe(string token)
    {
        if (_cache.TryGetValue(token, out var cached))
        {
            return cached;
        }
        var word = new List<string>(token.Length);
        for (var i = 0; i < token.Length - 1; i++)
        {
            word.Add(token[i].ToString());
        }
        word.Add(token[^1] + EndOfWord);
        while (word.Count > 1)
        {
            var bestRank = int.MaxValue;
            (string, string) best = default;
            for (var i = 0; i < word.Count - 1; i++)
            {
                if (_ranks.TryGetValue((word[i], word[i + 1]), out var rank) && rank < bestRank)
                {
                    bestRank = rank;
                    best = (word[i], word[i + 1]);
                }
            }
            if (bestRank == int.MaxValue)
            {
                break;
            }
            var merged = new List<string>(word.Count);
            for (var i = 0; i < word.Count; i++)
            {
                if (i < word.Count - 1 && word[i] == best.Item1 && word[i + 1] == best.Item2)
                {
                    merged.Add(best.Item1 + best.Item2);
                    i++;
                }
                else
                {
                    merged.Add(word[i]);
                }
            }
            word = merged;
        }
        var result = word.ToArray();
        if (Volatile.Read(ref _cachedWords) < MaxCachedWords && _cache.TryAdd(token, result))
        {
            Interlocked.Increment(ref _cachedWords);
        }
        return result;
    }
}
