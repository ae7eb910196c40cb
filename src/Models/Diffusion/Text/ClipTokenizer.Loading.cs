using System.Text.Json;

namespace Pipeline.Models.Diffusion.Text;

/// <summary>Reading a Hugging Face / diffusers <c>tokenizer/</c> folder.</summary>
public sealed partial class ClipTokenizer
{
    /// <summary>
    /// Merges HF's CLIPTokenizer reads: <c>merges.txt</c> lines 1 .. 49152 - 256 - 2 (after the
    /// <c>#version</c> header), i.e. the vocabulary size minus the 256 byte symbols and 2 special tokens.
    /// </summary>
    public const int MaxMerges = 49152 - 256 - 2;

    /// <summary>Used when <c>tokenizer_config.json</c> gives no <c>model_max_length</c>: CLIP's 77 positions.</summary>
    public const int DefaultMaxLength = 77;

    /// <summary>
    /// Loads <c>vocab.json</c> and <c>merges.txt</c> (both required) and, when present, <c>tokenizer_config.json</c>
    /// and <c>special_tokens_map.json</c> (bos/eos/pad/unk tokens as strings or <c>{"content": ...}</c> objects;
    /// the map wins over the config, as in HF; defaults are CLIPTokenizer's) and <c>model_max_length</c>.
    /// </summary>
    /// <exception cref="FileNotFoundException">The folder, <c>vocab.json</c> or <c>merges.txt</c> is missing.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, or a special token is not in the vocabulary; the message names the file.</exception>
    public static ClipTokenizer FromFolder(string tokenizerFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenizerFolder);
        if (!Directory.Exists(tokenizerFolder))
        {
            throw new FileNotFoundException($"tokenizer folder '{tokenizerFolder}' does not exist", tokenizerFolder);
        }
        var vocabPath = RequireFile(tokenizerFolder, "vocab.json");
        var mergesPath = RequireFile(tokenizerFolder, "merges.txt");
        var encoder = ReadVocabulary(vocabPath);
        var ranks = ReadMerges(mergesPath);

        var specials = new ClipSpecialTokens("<|startoftext|>", "<|endoftext|>", "<|endoftext|>", "<|endoftext|>");
        var maxLength = DefaultMaxLength;
        var configPath = Path.Combine(tokenizerFolder, "tokenizer_config.json");
        if (File.Exists(configPath))
        {
            using var config = ReadJsonObject(configPath);
            specials = ReadSpecials(config.RootElement, specials, configPath);
            if (config.RootElement.TryGetProperty("model_max_length", out var max) && max.ValueKind != JsonValueKind.Null)
            {
                if (max.ValueKind != JsonValueKind.Number || !max.TryGetInt32(out maxLength) || maxLength < 2)
                {
                    throw new InvalidDataException($"'{configPath}': model_max_length must be an integer >= 2, seen {max.GetRawText()}");
                }
            }
        }
        var mapPath = Path.Combine(tokenizerFolder, "special_tokens_map.json");
        if (File.Exists(mapPath))
        {
            using var map = ReadJsonObject(mapPath);
            specials = ReadSpecials(map.RootElement, specials, mapPath);
        }
        foreach (var (role, token) in new[] { ("bos", specials.Bos), ("eos", specials.Eos), ("pad", specials.Pad), ("unk", specials.Unk) })
        {
            if (!encoder.ContainsKey(token))
            {
                throw new InvalidDataException($"'{vocabPath}' has no id for the {role} token '{token}'");
            }
        }
        return new ClipTokenizer(encoder, ranks, specials, maxLength);
    }

    private static string RequireFile(string folder, string name)
    {
        var path = Path.Combine(folder, name);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"tokenizer folder '{folder}' has no {name}", path);
        }
        return path;
    }

    private static JsonDocument ReadJsonObject(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {ex.Message}", ex);
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new InvalidDataException($"'{path}' must hold a JSON object, seen {document.RootElement.ValueKind}");
        }
        return document;
    }

    private static Dictionary<string, int> ReadVocabulary(string path)
    {
        using var document = ReadJsonObject(path);
        var encoder = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in document.RootElement.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id) || id < 0)
            {
                throw new InvalidDataException($"'{path}': the id of token '{entry.Name}' must be a non-negative integer, seen {entry.Value.GetRawText()}");
            }
            encoder[entry.Name] = id;
        }
        if (encoder.Count == 0)
        {
            throw new InvalidDataException($"'{path}' holds no tokens");
        }
        return encoder;
    }

    /// <summary>HF: <c>read().strip().split("\n")[1 : MaxMerges + 1]</c>, each line split on whitespace.</summary>
    private static Dictionary<(string, string), int> ReadMerges(string path)
    {
        var lines = File.ReadAllText(path).Trim().Split('\n');
        if (!lines[0].StartsWith("#version", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"'{path}': line 1 must be the '#version' header (HF skips it unread), seen '{Shorten(lines[0])}'");
        }
        var ranks = new Dictionary<(string, string), int>();
        var count = Math.Min(lines.Length - 1, MaxMerges);
        for (var i = 0; i < count; i++)
        {
            var parts = lines[i + 1].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2)
            {
                throw new InvalidDataException($"'{path}': line {i + 2} must hold two symbols separated by a space, seen '{Shorten(lines[i + 1])}'");
            }
            // A repeated pair keeps its last rank, as HF's dict(zip(merges, range(len(merges)))) does.
            ranks[(parts[0], parts[1])] = i;
        }
        return ranks;
    }

    private static ClipSpecialTokens ReadSpecials(JsonElement root, ClipSpecialTokens current, string path) => new(
        ReadToken(root, "bos_token", path) ?? current.Bos,
        ReadToken(root, "eos_token", path) ?? current.Eos,
        ReadToken(root, "pad_token", path) ?? current.Pad,
        ReadToken(root, "unk_token", path) ?? current.Unk);

    private static string? ReadToken(JsonElement root, string key, string path)
    {
        if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.String)
        {
            return NonEmpty(value.GetString(), key, path);
        }
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
        {
            return NonEmpty(content.GetString(), key, path);
        }
        throw new InvalidDataException($"'{path}': {key} must be a string or an object with a string \"content\", seen {Shorten(value.GetRawText())}");
    }

    private static string NonEmpty(string? token, string key, string path) =>
        string.IsNullOrEmpty(token) ? throw new InvalidDataException($"'{path}': {key} is empty") : token;

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
