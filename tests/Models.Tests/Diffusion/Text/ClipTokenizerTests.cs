using Pipeline.Models.Diffusion.Text;

namespace Pipeline.Models.Tests.Diffusion.Text;

/// <summary>
/// <see cref="ClipTokenizer"/> on a tiny generated vocabulary (always runs): merge order, <c>&lt;/w&gt;</c>,
/// bos/eos/padding, truncation, special tokens in text, config variants and load errors.
/// </summary>
public sealed class ClipTokenizerTests
{
    private static string Show(IEnumerable<string> tokens) => "[" + string.Join(" ", tokens) + "]";

    [Fact]
    public void BpeTokens_ApplyLowestRankMergeFirst_AndMarkWordEnds()
    {
        using var vocab = new TinyClipVocabulary();
        var tokenizer = ClipTokenizer.FromFolder(vocab.Folder);
        // lower: (l,o)=0 -> lo w e r</w>; (e,r</w>)=2 beats (lo,w)=3 -> lo w er</w>; -> low er</w> -> lower</w>.
        // lowest: lo w e s t</w> -> low e s t</w>; no merge is left.
        string[] expected = ["lower</w>", "low</w>", "low", "e", "s", "t</w>", "cat</w>", "c", "o</w>"];
        var seen = tokenizer.BpeTokens("lower low lowest cat co");
        Assert.True(expected.SequenceEqual(seen), $"expected {Show(expected)}, seen {Show(seen)}");
    }

    [Fact]
    public void Encode_AddsBosEos_AndPadsToMaxLengthWithPadId()
    {
        using var vocab = new TinyClipVocabulary();
        var tokenizer = ClipTokenizer.FromFolder(vocab.Folder);
        var encoded = tokenizer.Encode("low cat");
        var expected = new long[77];
        Array.Fill(expected, vocab.Id("<|endoftext|>"));
        expected[0] = vocab.Id("<|startoftext|>");
        expected[1] = vocab.Id("low</w>");
        expected[2] = vocab.Id("cat</w>");
        Assert.True(expected.SequenceEqual(encoded.InputIds), $"expected [{string.Join(", ", expected)}], seen [{string.Join(", ", encoded.InputIds)}]");
        Assert.Equal(2, encoded.ContentTokens);
        Assert.False(encoded.Truncated);
        Assert.Equal((vocab.Id("<|startoftext|>"), vocab.Id("<|endoftext|>"), vocab.Id("<|endoftext|>"), 77),
            (tokenizer.BosId, tokenizer.EosId, tokenizer.PadId, tokenizer.MaxLength));
    }

    [Theory]
    [InlineData(75, false)]
    [InlineData(76, true)]
    [InlineData(90, true)]
    public void Encode_KeepsAtMost75ContentTokens(int words, bool truncated)
    {
        using var vocab = new TinyClipVocabulary();
        var tokenizer = ClipTokenizer.FromFolder(vocab.Folder);
        var encoded = tokenizer.Encode(string.Join(" ", Enumerable.Repeat("cat", words)));
        Assert.Equal(truncated, encoded.Truncated);
        Assert.Equal(words, encoded.ContentTokens);
        Assert.Equal(77, encoded.InputIds.Length);
        Assert.Equal(vocab.Id("<|startoftext|>"), encoded.InputIds[0]);
        Assert.All(encoded.InputIds[1..76], id => Assert.Equal(vocab.Id("cat</w>"), id));
        Assert.Equal(vocab.Id("<|endoftext|>"), encoded.InputIds[76]);
    }

    [Fact]
    public void SpecialTokenLiterals_InText_AreSplitOutAsTheirIds()
    {
        using var vocab = new TinyClipVocabulary();
        var tokenizer = ClipTokenizer.FromFolder(vocab.Folder);
        string[] expected = ["low</w>", "<|endoftext|>", "cat</w>", "<|startoftext|>"];
        var seen = tokenizer.BpeTokens("LOW<|endoftext|>cat <|startoftext|>");
        Assert.True(expected.SequenceEqual(seen), $"expected {Show(expected)}, seen {Show(seen)}");
        int[] ids = [vocab.Id("low</w>"), vocab.Id("<|endoftext|>"), vocab.Id("cat</w>"), vocab.Id("<|startoftext|>")];
        Assert.Equal(ids, tokenizer.ContentIds("LOW<|endoftext|>cat <|startoftext|>"));
    }

    [Fact]
    public void Text_IsCleanedLowerCasedAndSplitByTheClipPattern()
    {
        using var vocab = new TinyClipVocabulary();
        var tokenizer = ClipTokenizer.FromFolder(vocab.Folder);
        // Curly quotes -> '"', full-width letters -> ASCII, whitespace collapsed, upper -> lower; "'s" is a word;
        // digits are single words; a punctuation run is one word ("?!", no merge for it here).
        string[] expected = ["\"</w>", "cat</w>", "\"</w>", "cat</w>", "'s</w>", "low</w>", "1</w>", "2</w>", "?", "!</w>"];
        var seen = tokenizer.BpeTokens("  \u201cＣＡＴ\u201d\tCat's\n Low 12?! ");
        Assert.True(expected.SequenceEqual(seen), $"expected {Show(expected)}, seen {Show(seen)}");
    }

    [Fact]
    public void LettersOutsideTheBmp_StayInTheirWord()
    {
        using var vocab = new TinyClipVocabulary();
        var tokenizer = ClipTokenizer.FromFolder(vocab.Folder);
        // U+1D400 is a letter (Lu, unchanged by lower()): "x\U0001D400b" is one [\p{L}]+ word, then "!" one more.
        // A UTF-16 regex would see two surrogates (Cs) and cut it into three words.
        var seen = tokenizer.BpeTokens("x\U0001D400b!");
        var wordEnds = seen.Count(t => t.EndsWith("</w>", StringComparison.Ordinal));
        Assert.True(wordEnds == 2 && seen[^2] == "b</w>" && seen[^1] == "!</w>" && seen.Count == 7,
            $"expected x, the 4 byte symbols of U+1D400, b</w>, !</w>; seen {Show(seen)}");
    }

    [Fact]
    public void PiecesMissingFromTheVocabulary_BecomeUnk()
    {
        using var vocab = new TinyClipVocabulary();
        var tokenizer = ClipTokenizer.FromFolder(vocab.Folder);
        // é is UTF-8 C3 A9, which bytes_to_unicode shows as "Ã" and "©"; neither is in the tiny vocabulary.
        string[] expected = ["\u00c3", "\u00a9</w>"];
        var seen = tokenizer.BpeTokens("é");
        Assert.True(expected.SequenceEqual(seen), $"expected {Show(expected)}, seen {Show(seen)}");
        Assert.Equal([tokenizer.UnkId, tokenizer.UnkId], tokenizer.ContentIds("é"));
    }

    [Fact]
    public void PlainStringTokens_AndSmallMaxLength_AreRead()
    {
        using var vocab = new TinyClipVocabulary(tokenizerConfig: """{"bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>", "pad_token": "!", "model_max_length": 6}""");
        var tokenizer = ClipTokenizer.FromFolder(vocab.Folder);
        Assert.Equal(vocab.Id("!"), tokenizer.PadId);
        Assert.Equal(6, tokenizer.MaxLength);
        long[] expected = [vocab.Id("<|startoftext|>"), vocab.Id("cat</w>"), vocab.Id("<|endoftext|>"), vocab.Id("!"), vocab.Id("!"), vocab.Id("!")];
        Assert.Equal(expected, tokenizer.Encode("cat").InputIds);
    }

    [Fact]
    public void SpecialTokensMap_OverridesTokenizerConfig()
    {
        using var vocab = new TinyClipVocabulary();
        File.WriteAllText(Path.Combine(vocab.Folder, "special_tokens_map.json"), """{"pad_token": {"content": "!"}}""");
        Assert.Equal(vocab.Id("!"), ClipTokenizer.FromFolder(vocab.Folder).PadId);
    }

    [Fact]
    public void MissingMerges_IsRefusedNamingTheFile()
    {
        using var vocab = new TinyClipVocabulary(writeMerges: false);
        var ex = Assert.Throws<FileNotFoundException>(() => ClipTokenizer.FromFolder(vocab.Folder));
        Assert.Contains("merges.txt", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingVocabulary_IsRefusedNamingTheFile()
    {
        using var vocab = new TinyClipVocabulary();
        File.Delete(Path.Combine(vocab.Folder, "vocab.json"));
        var ex = Assert.Throws<FileNotFoundException>(() => ClipTokenizer.FromFolder(vocab.Folder));
        Assert.Contains("vocab.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedMergeLine_IsRefusedNamingFileAndLine()
    {
        using var vocab = new TinyClipVocabulary(merges: ["l o", "lo w x"]);
        var ex = Assert.Throws<InvalidDataException>(() => ClipTokenizer.FromFolder(vocab.Folder));
        Assert.Contains("merges.txt", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MergesWithoutVersionHeader_AreRefused()
    {
        using var vocab = new TinyClipVocabulary();
        File.WriteAllLines(Path.Combine(vocab.Folder, "merges.txt"), ["l o", "lo w</w>"]);
        var ex = Assert.Throws<InvalidDataException>(() => ClipTokenizer.FromFolder(vocab.Folder));
        Assert.Contains("#version", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedVocabulary_IsRefusedNamingTheToken()
    {
        using var vocab = new TinyClipVocabulary();
        File.WriteAllText(Path.Combine(vocab.Folder, "vocab.json"), """{"a": 0, "b": "one"}""");
        var ex = Assert.Throws<InvalidDataException>(() => ClipTokenizer.FromFolder(vocab.Folder));
        Assert.Contains("vocab.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'b'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SpecialTokenMissingFromVocabulary_IsRefused()
    {
        using var vocab = new TinyClipVocabulary(tokenizerConfig: """{"pad_token": "<pad>"}""");
        var ex = Assert.Throws<InvalidDataException>(() => ClipTokenizer.FromFolder(vocab.Folder));
        Assert.Contains("pad token '<pad>'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_IsThreadSafe()
    {
        using var vocab = new TinyClipVocabulary();
        var tokenizer = ClipTokenizer.FromFolder(vocab.Folder);
        string[] prompts = ["lower cat", "lowest low", "cat cat co", "LOW<|endoftext|>er"];
        var expected = prompts.Select(p => ClipTokenizer.FromFolder(vocab.Folder).Encode(p).InputIds).ToArray();
        Parallel.For(0, 400, i =>
        {
            var seen = tokenizer.Encode(prompts[i % prompts.Length]).InputIds;
            Assert.True(expected[i % prompts.Length].SequenceEqual(seen), $"prompt {i % prompts.Length}: concurrent result differs");
        });
    }
}
