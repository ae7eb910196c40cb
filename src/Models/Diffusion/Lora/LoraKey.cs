namespace Pipeline.Models.Diffusion.Lora;

/// <summary>
/// One parsed LoRA file key: the component and module it targets and its role. Parsing knows the three namings
/// diffusers loads: kohya (<c>lora_unet_a_b.lora_down.weight</c>, <c>.lora_up.weight</c>, <c>.alpha</c>; <c>lora_te_</c>,
/// <c>lora_te1_</c>, <c>lora_te2_</c>), diffusers (<c>unet.M.lora.down.weight</c>, <c>unet.M.processor.to_q_lora.down.weight</c>,
/// <c>text_encoder.M.lora_linear_layer.down.weight</c>, and the prefix-less attention-processor form) and PEFT
/// (<c>base_model.model.M.lora_A.weight</c>, <c>unet.M.lora_B.weight</c>).
/// </summary>
internal sealed record LoraKey(string Component, string Module, bool Flattened, LoraRole Role)
{
    public const string UNet = "unet";
    public const string TextEncoder = "text_encoder";
    public const string TextEncoder2 = "text_encoder_2";

    private static readonly (string Prefix, string Component)[] KohyaPrefixes =
    [
        ("lora_unet_", UNet),
        ("lora_te1_", TextEncoder),
        ("lora_te2_", TextEncoder2),
        ("lora_te_", TextEncoder),
    ];

    private static readonly (string Suffix, LoraRole Role)[] DottedSuffixes =
    [
        (".lora.down.weight", LoraRole.Down),
        (".lora.up.weight", LoraRole.Up),
        (".lora_A.weight", LoraRole.Down),
        (".lora_B.weight", LoraRole.Up),
        (".lora_A.default.weight", LoraRole.Down),
        (".lora_B.default.weight", LoraRole.Up),
        (".lora_down.weight", LoraRole.Down),
        (".lora_up.weight", LoraRole.Up),
        (".lora_linear_layer.down.weight", LoraRole.Down),
        (".lora_linear_layer.up.weight", LoraRole.Up),
        (".down.weight", LoraRole.Down),
        (".up.weight", LoraRole.Up),
        (".alpha", LoraRole.Alpha),
    ];

    // Old diffusers attention-processor names (…attn1.processor.to_q_lora) and their modules.
    private static readonly Dictionary<string, string> UNetProcessorTargets = new(StringComparer.Ordinal)
    {
        ["to_q"] = "to_q",
        ["to_k"] = "to_k",
        ["to_v"] = "to_v",
        ["to_out"] = "to_out.0",
        ["add_q_proj"] = "add_q_proj",
        ["add_k_proj"] = "add_k_proj",
        ["add_v_proj"] = "add_v_proj",
    };

    // diffusers' old text-encoder names (…self_attn.to_q_lora) → CLIP's modules.
    private static readonly Dictionary<string, string> TextProcessorTargets = new(StringComparer.Ordinal)
    {
        ["to_q"] = "q_proj",
        ["to_k"] = "k_proj",
        ["to_v"] = "v_proj",
        ["to_out"] = "out_proj",
    };

    /// <summary>Parses <paramref name="key"/>.</summary>
    /// <exception cref="InvalidDataException">Not a LoRA key of a supported kind; the message names the key and says why.</exception>
    public static LoraKey Parse(string key, string file)
    {
        foreach (var (prefix, component) in KohyaPrefixes)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                return ParseKohya(key, key[prefix.Length..], component, file);
            }
        }
        string component2 = UNet;
        string rest = key;
        if (key.StartsWith("unet.", StringComparison.Ordinal))
        {
            rest = key["unet.".Length..];
        }
        else if (key.StartsWith("text_encoder_2.", StringComparison.Ordinal))
        {
            (component2, rest) = (TextEncoder2, key["text_encoder_2.".Length..]);
        }
        else if (key.StartsWith("text_encoder.", StringComparison.Ordinal))
        {
            (component2, rest) = (TextEncoder, key["text_encoder.".Length..]);
        }
        else if (key.StartsWith("base_model.model.", StringComparison.Ordinal))
        {
            // A PEFT adapter state dict of one model: a CLIP text model's paths start with text_model.
            rest = key["base_model.model.".Length..];
            component2 = rest.StartsWith("text_model.", StringComparison.Ordinal) ? TextEncoder : UNet;
        }
        return ParseDotted(key, rest, component2, file);
    }

    private static LoraKey ParseKohya(string key, string rest, string component, string file)
    {
        int dot = rest.IndexOf('.');
        if (dot <= 0)
        {
            throw Unsupported(key, file, "a kohya key needs '<module>.lora_down.weight', '.lora_up.weight' or '.alpha'");
        }
        var module = rest[..dot];
        var role = rest[(dot + 1)..] switch
        {
            "lora_down.weight" => LoraRole.Down,
            "lora_up.weight" => LoraRole.Up,
            "alpha" => LoraRole.Alpha,
            "dora_scale" => throw Unsupported(key, file, "DoRA (dora_scale) is not supported"),
            var other when other.StartsWith("hada_", StringComparison.Ordinal) || other.StartsWith("lokr_", StringComparison.Ordinal)
                => throw Unsupported(key, file, "LyCORIS LoHa/LoKr weights are not supported, only LoRA"),
            var other => throw Unsupported(key, file, $"the suffix '{other}' is not a LoRA tensor (expected lora_down.weight, lora_up.weight or alpha)"),
        };
        return new LoraKey(component, module, Flattened: true, role);
    }

    private static LoraKey ParseDotted(string key, string rest, string component, string file)
    {
        if (rest.EndsWith(".lora_magnitude_vector", StringComparison.Ordinal) || rest.Contains(".lora_magnitude_vector.", StringComparison.Ordinal))
        {
            throw Unsupported(key, file, "DoRA (lora_magnitude_vector) is not supported");
        }
        foreach (var (suffix, role) in DottedSuffixes)
        {
            if (!rest.EndsWith(suffix, StringComparison.Ordinal) || rest.Length == suffix.Length)
            {
                continue;
            }
            var module = rest[..^suffix.Length];
            if (suffix is ".down.weight" or ".up.weight")
            {
                // Only the attention-processor form '<attn>(.processor).to_q_lora.down.weight' has a bare down/up.
                module = ProcessorModule(key, module, component, file);
            }
            return new LoraKey(component, module, Flattened: false, role);
        }
        throw Unsupported(key, file, "not a LoRA key in kohya (lora_unet_*.lora_down.weight), diffusers (*.lora.down.weight) or PEFT (*.lora_A.weight) naming");
    }

    private static string ProcessorModule(string key, string module, string component, string file)
    {
        int dot = module.LastIndexOf('.');
        var last = dot < 0 ? module : module[(dot + 1)..];
        var parent = dot < 0 ? "" : module[..dot];
        if (!last.EndsWith("_lora", StringComparison.Ordinal) || parent.Length == 0)
        {
            throw Unsupported(key, file, "a '.down.weight' / '.up.weight' key must belong to an attention-processor LoRA ('<attention>.processor.to_q_lora.down.weight')");
        }
        var target = last[..^"_lora".Length];
        var map = component == UNet ? UNetProcessorTargets : TextProcessorTargets;
        if (!map.TryGetValue(target, out var moduleName))
        {
            throw Unsupported(key, file, $"the attention-processor LoRA '{last}' is not known (expected one of {string.Join(", ", map.Keys.Select(k => k + "_lora"))})");
        }
        if (parent.EndsWith(".processor", StringComparison.Ordinal))
        {
            parent = parent[..^".processor".Length];
        }
        return $"{parent}.{moduleName}";
    }

    private static InvalidDataException Unsupported(string key, string file, string why) =>
        new($"LoRA file '{file}': key '{key}': {why}");
}
