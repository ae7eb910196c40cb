using System.Text.Json;

namespace Pipeline.Models.Diffusion.Text;

/// <summary>
/// The fields of a transformers <c>CLIPTextConfig</c> (<c>text_encoder/config.json</c>) that fix the text
/// tower's shapes and arithmetic. Defaults are transformers' CLIPTextConfig defaults (CLIP ViT-B/32's text
/// tower), so a sparse config reads as transformers would read it.
/// </summary>
public sealed record ClipTextConfig
{
    /// <summary>Token embedding rows.</summary>
    public int VocabSize { get; init; } = 49408;

    /// <summary>Width D of the residual stream.</summary>
    public int HiddenSize { get; init; } = 512;

    /// <summary>Width of <c>mlp.fc1</c>'s output.</summary>
    public int IntermediateSize { get; init; } = 2048;

    /// <summary>Encoder layers.</summary>
    public int NumHiddenLayers { get; init; } = 12;

    /// <summary>Attention heads per layer.</summary>
    public int NumAttentionHeads { get; init; } = 8;

    /// <summary>Position embedding rows: the longest input (77).</summary>
    public int MaxPositionEmbeddings { get; init; } = 77;

    /// <summary>MLP activation.</summary>
    public ClipHiddenAct HiddenAct { get; init; } = ClipHiddenAct.QuickGelu;

    /// <summary>Epsilon of every LayerNorm.</summary>
    public double LayerNormEps { get; init; } = 1e-5;

    /// <summary><c>bos_token_id</c> (transformers default 49406; SD-1.5's config says 0).</summary>
    public long BosTokenId { get; init; } = 49406;

    /// <summary><c>eos_token_id</c>; it selects the pooling rule (<see cref="DefaultPooling"/>).</summary>
    public long EosTokenId { get; init; } = 49407;

    /// <summary><c>pad_token_id</c> (transformers default 1).</summary>
    public long PadTokenId { get; init; } = 1;

    /// <summary><c>projection_dim</c> when given: width of <c>text_projection</c> in CLIPTextModelWithProjection.</summary>
    public int? ProjectionDim { get; init; }

    /// <summary><c>architectures</c> as listed (e.g. <c>CLIPTextModel</c>, <c>CLIPTextModelWithProjection</c>).</summary>
    public IReadOnlyList<string> Architectures { get; init; } = [];

    /// <summary>Width of one head.</summary>
    public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>
    /// transformers >= 4.31's pooling: the argmax-id rule when <c>eos_token_id == 2</c> (the stale value in
    /// SD-1.5 configs), else the first eos position.
    /// </summary>
    public ClipPooling DefaultPooling => EosTokenId == 2 ? ClipPooling.ArgmaxId : ClipPooling.FirstEos;

    /// <summary>Reads a transformers <c>config.json</c> of a CLIP text model.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Malformed JSON, a field of the wrong type, inconsistent sizes, or an unsupported <c>hidden_act</c>; the message names the file and the field.</exception>
    public static ClipTextConfig FromJsonFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"text encoder config '{path}' does not exist", path);
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {ex.Message}", ex);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"'{path}' must hold a JSON object, seen {root.ValueKind}");
            }
            var defaults = new ClipTextConfig();
            var config = new ClipTextConfig
            {
                VocabSize = Int(root, "vocab_size", defaults.VocabSize, path),
                HiddenSize = Int(root, "hidden_size", defaults.HiddenSize, path),
                IntermediateSize = Int(root, "intermediate_size", defaults.IntermediateSize, path),
                NumHiddenLayers = Int(root, "num_hidden_layers", defaults.NumHiddenLayers, path),
                NumAttentionHeads = Int(root, "num_attention_heads", defaults.NumAttentionHeads, path),
                MaxPositionEmbeddings = Int(root, "max_position_embeddings", defaults.MaxPositionEmbeddings, path),
                HiddenAct = Act(root, path),
                LayerNormEps = Double(root, "layer_norm_eps", defaults.LayerNormEps, path),
                BosTokenId = Long(root, "bos_token_id", defaults.BosTokenId, path),
                EosTokenId = Long(root, "eos_token_id", defaults.EosTokenId, path),
                PadTokenId = Long(root, "pad_token_id", defaults.PadTokenId, path),
                ProjectionDim = root.TryGetProperty("projection_dim", out var p) && p.ValueKind != JsonValueKind.Null
                    ? Int(root, "projection_dim", 0, path)
                    : null,
                Architectures = root.TryGetProperty("architectures", out var a) && a.ValueKind == JsonValueKind.Array
                    ? a.EnumerateArray().Select(e => e.GetString() ?? "").ToList()
                    : [],
            };
            config.Validate(path);
            return config;
        }
    }

    /// <summary>Throws when sizes are not positive or the width does not split into the heads.</summary>
    /// <exception cref="InvalidDataException">Names <paramref name="source"/> and the field.</exception>
    public void Validate(string source)
    {
        foreach (var (name, value) in new[]
        {
            ("vocab_size", VocabSize), ("hidden_size", HiddenSize), ("intermediate_size", IntermediateSize),
            ("num_hidden_layers", NumHiddenLayers), ("num_attention_heads", NumAttentionHeads),
            ("max_position_embeddings", MaxPositionEmbeddings),
        })
        {
            if (value <= 0)
            {
                throw new InvalidDataException($"'{source}': {name} must be positive, seen {value}");
            }
        }
        if (HiddenSize % NumAttentionHeads != 0)
        {
            throw new InvalidDataException($"'{source}': hidden_size {HiddenSize} is not a multiple of num_attention_heads {NumAttentionHeads}");
        }
        if (ProjectionDim is <= 0)
        {
            throw new InvalidDataException($"'{source}': projection_dim must be positive, seen {ProjectionDim}");
        }
    }

    private static ClipHiddenAct Act(JsonElement root, string path)
    {
        if (!root.TryGetProperty("hidden_act", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return ClipHiddenAct.QuickGelu;
        }
        var name = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
        return name switch
        {
            "quick_gelu" => ClipHiddenAct.QuickGelu,
            "gelu" => ClipHiddenAct.Gelu,
            _ => throw new InvalidDataException(
                $"'{path}': hidden_act '{name}' is not supported; CLIP text encoders use 'quick_gelu' (h * sigmoid(1.702 h)) or 'gelu' (exact erf GELU)"),
        };
    }

    private static int Int(JsonElement root, string key, int fallback, string path)
    {
        var value = Long(root, key, fallback, path);
        return value is < int.MinValue or > int.MaxValue
            ? throw new InvalidDataException($"'{path}': {key} {value} is out of range")
            : (int)value;
    }

    private static long Long(JsonElement root, string key, long fallback, string path)
    {
        if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n)
            ? n
            : throw new InvalidDataException($"'{path}': {key} must be an integer, seen {value.GetRawText()}");
    }

    private static double Double(JsonElement root, string key, double fallback, string path)
    {
        if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }
        return value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : throw new InvalidDataException($"'{path}': {key} must be a number, seen {value.GetRawText()}");
    }
}
