using Pipeline.Models.Checkpoints;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Lora;

/// <summary>
/// The layers of a LoRA <c>.safetensors</c> file (e.g. <c>latent-consistency/lcm-lora-sdv1-5</c>), split into UNet and
/// text-encoder layers, from kohya, diffusers or PEFT key naming (see <see cref="LoraKey"/>). Every key must be part of
/// a complete (down, up[, alpha]) triple with matching ranks: anything else is refused naming the key, so a file is
/// never fused half-understood. Owns the tensors (dispose to free them).
/// </summary>
public sealed class LoraWeights : IDisposable
{
    private LoraWeights(string path, List<LoraLayer> layers)
    {
        Path = path;
        UNetLayers = [.. layers.Where(l => l.Component == LoraKey.UNet)];
        TextEncoderLayers = [.. layers.Where(l => l.Component == LoraKey.TextEncoder)];
        TextEncoder2Layers = [.. layers.Where(l => l.Component == LoraKey.TextEncoder2)];
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>Layers for the UNet (<c>lora_unet_</c>, <c>unet.</c>, PEFT <c>base_model.model.</c>, prefix-less processor keys).</summary>
    public IReadOnlyList<LoraLayer> UNetLayers { get; }

    /// <summary>Layers for the (first) text encoder (<c>lora_te_</c>, <c>lora_te1_</c>, <c>text_encoder.</c>).</summary>
    public IReadOnlyList<LoraLayer> TextEncoderLayers { get; }

    /// <summary>Layers for SDXL's second text encoder (<c>lora_te2_</c>, <c>text_encoder_2.</c>).</summary>
    public IReadOnlyList<LoraLayer> TextEncoder2Layers { get; }

    /// <summary>Reads and checks every LoRA pair of <paramref name="safetensorsPath"/>.</summary>
    /// <exception cref="InvalidDataException">A key is not a LoRA key, a pair is incomplete or duplicated, the ranks or
    /// shapes of a pair disagree, or an alpha is not one finite positive number; the message names the key.</exception>
    public static LoraWeights Load(string safetensorsPath)
    {
        using var reader = SafeTensorsReader.Open(safetensorsPath);
        var groups = new Dictionary<(string Component, string Module, bool Flattened), Group>();
        var order = new List<(string, string, bool)>();
        foreach (var info in reader.Tensors)
        {
            var key = LoraKey.Parse(info.Name, safetensorsPath);
            var id = (key.Component, key.Module, key.Flattened);
            if (!groups.TryGetValue(id, out var group))
            {
                group = new Group();
                groups[id] = group;
                order.Add(id);
            }
            group.Set(key.Role, info.Name, safetensorsPath);
        }

        var layers = new List<LoraLayer>(order.Count);
        try
        {
            foreach (var id in order)
            {
                layers.Add(ReadLayer(reader, id.Item1, id.Item2, id.Item3, groups[id], safetensorsPath));
            }
        }
        catch
        {
            foreach (var layer in layers)
            {
                layer.Down.Dispose();
                layer.Up.Dispose();
            }
            throw;
        }
        return new LoraWeights(safetensorsPath, layers);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var layer in UNetLayers.Concat(TextEncoderLayers).Concat(TextEncoder2Layers))
        {
            layer.Down.Dispose();
            layer.Up.Dispose();
        }
    }

    private static LoraLayer ReadLayer(SafeTensorsReader reader, string component, string module, bool flattened, Group group, string file)
    {
        if (group.Down is null || group.Up is null)
        {
            var present = group.Down ?? group.Up ?? group.Alpha!;
            var missing = group.Down is null ? "down" : "up";
            throw new InvalidDataException($"LoRA file '{file}': key '{present}' has no matching {missing} weight for module '{module}'");
        }
        var down = reader.GetInfo(group.Down);
        var up = reader.GetInfo(group.Up);
        if (down.Shape.Length is not (2 or 4))
        {
            throw new InvalidDataException($"LoRA file '{file}': key '{group.Down}' has shape [{string.Join(", ", down.Shape)}]; a down weight is [r, in] or [r, in, kh, kw]");
        }
        if (up.Shape.Length is not (2 or 4) || (up.Shape.Length == 4 && (up.Shape[2] != 1 || up.Shape[3] != 1)))
        {
            throw new InvalidDataException($"LoRA file '{file}': key '{group.Up}' has shape [{string.Join(", ", up.Shape)}]; an up weight is [out, r] or [out, r, 1, 1]");
        }
        if (down.Shape[0] < 1 || up.Shape[1] != down.Shape[0])
        {
            throw new InvalidDataException(
                $"LoRA file '{file}': rank mismatch: key '{group.Up}' has rank {up.Shape[1]} (shape [{string.Join(", ", up.Shape)}]), key '{group.Down}' rank {down.Shape[0]} (shape [{string.Join(", ", down.Shape)}])");
        }
        double? alpha = null;
        if (group.Alpha is not null)
        {
            var info = reader.GetInfo(group.Alpha);
            if (info.ElementCount != 1)
            {
                throw new InvalidDataException($"LoRA file '{file}': key '{group.Alpha}' holds {info.ElementCount} values, expected one alpha");
            }
            using var tensor = reader.ReadTensor(group.Alpha);
            using var asDouble = tensor.to(ScalarType.Float64);
            var value = asDouble.reshape(1)[0].item<double>();
            if (!double.IsFinite(value) || value <= 0)
            {
                throw new InvalidDataException($"LoRA file '{file}': key '{group.Alpha}' = {value}, expected a finite positive alpha");
            }
            alpha = value;
        }
        var downTensor = reader.ReadTensor(group.Down);
        Tensor upTensor;
        try
        {
            upTensor = reader.ReadTensor(group.Up);
        }
        catch
        {
            downTensor.Dispose();
            throw;
        }
        return new LoraLayer(component, module, flattened, downTensor, upTensor, alpha, group.Down);
    }

    /// <summary>The keys seen for one module.</summary>
    private sealed class Group
    {
        public string? Down { get; private set; }
        public string? Up { get; private set; }
        public string? Alpha { get; private set; }

        public void Set(LoraRole role, string key, string file)
        {
            var existing = role switch
            {
                LoraRole.Down => Down,
                LoraRole.Up => Up,
                _ => Alpha,
            };
            if (existing is not null)
            {
                throw new InvalidDataException($"LoRA file '{file}': keys '{existing}' and '{key}' give the same {role.ToString().ToLowerInvariant()} tensor of one module");
            }
            switch (role)
            {
                case LoraRole.Down: Down = key; break;
                case LoraRole.Up: Up = key; break;
                default: Alpha = key; break;
            }
        }
    }
}
