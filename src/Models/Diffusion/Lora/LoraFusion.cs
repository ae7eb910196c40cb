using TorchSharp;
using TorchSharp.Modules;
using Pipeline.Models.Vision.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Lora;

/// <summary>
/// Merges LoRA layers into a model's weights, as diffusers' <c>fuse_lora(lora_scale)</c> does:
/// <c>W' = W + scale·(alpha/r)·(up.flatten(1) @ down.flatten(1)).reshape(W.shape)</c> for <c>Linear</c> and
/// <c>Conv2d</c> (a conv LoRA's down carries the layer's kernel, its up is 1×1), in float32 under no_grad, in place on
/// each module's <c>weight</c>. Modules are found in the target's own <c>named_modules()</c>; kohya names (every '.'
/// written '_') are matched against those paths with '.' replaced by '_', never guessed. Every layer is resolved and
/// shape-checked before any weight changes, so a failing call leaves the model untouched.
/// </summary>
public static class LoraFusion
{
    /// <summary>Fuses <paramref name="layers"/> into <paramref name="target"/>.</summary>
    /// <param name="target">The model whose module paths the layers name (e.g. the UNet, with <c>down_blocks.0...</c>).</param>
    /// <param name="layers">From <see cref="LoraWeights"/> (e.g. <see cref="LoraWeights.UNetLayers"/>).</param>
    /// <param name="scale">diffusers' <c>lora_scale</c> (1 = the LoRA as trained).</param>
    /// <exception cref="InvalidDataException">A layer names no module (or, in kohya naming, several), a module that is not
    /// Linear/Conv2d, a module fused twice in this call, or shapes that do not fit the weight; the message names the layer's key.</exception>
    public static LoraFuseReport Fuse(nn.Module target, IReadOnlyList<LoraLayer> layers, double scale)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(layers);
        if (!double.IsFinite(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "LoRA scale must be finite");
        }
        var plan = Plan(target, layers);

        using var noGrad = torch.no_grad();
        int linear = 0, conv = 0;
        foreach (var (layer, path, module, weight) in plan)
        {
            using var scope = NewDisposeScope();
            var up = layer.Up.to(weight.device).to(ScalarType.Float32).flatten(1);
            var down = layer.Down.to(weight.device).to(ScalarType.Float32).flatten(1);
            var delta = up.matmul(down).mul(scale * layer.AlphaOverRank).reshape(weight.shape);
            if (weight.dtype == ScalarType.Float32)
            {
                weight.add_(delta);
            }
            else
            {
                weight.copy_(weight.to(ScalarType.Float32).add(delta));
            }
            if (module is Linear or TokenLinear)
            {
                linear++;
            }
            else
            {
                conv++;
            }
        }
        return new LoraFuseReport(linear, conv, [.. plan.Select(p => p.Path)]);
    }

    /// <summary>Resolves and checks every layer; changes nothing.</summary>
    private static List<(LoraLayer Layer, string Path, nn.Module Module, Tensor Weight)> Plan(nn.Module target, IReadOnlyList<LoraLayer> layers)
    {
        var modules = new Dictionary<string, nn.Module>(StringComparer.Ordinal);
        var flattened = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, module) in target.named_modules())
        {
            if (name.Length == 0)
            {
                continue;
            }
            modules[name] = module;
            var flat = name.Replace('.', '_');
            if (!flattened.TryGetValue(flat, out var paths))
            {
                flattened[flat] = paths = [];
            }
            paths.Add(name);
        }

        var plan = new List<(LoraLayer, string, nn.Module, Tensor)>(layers.Count);
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            var path = Resolve(layer, modules, flattened, target);
            if (seen.TryGetValue(path, out var other))
            {
                throw new InvalidDataException($"LoRA layer '{layer.DownKey}': module '{path}' is already fused by '{other}' in this call");
            }
            seen[path] = layer.DownKey;
            var module = modules[path];
            if (module is not (Linear or TokenLinear or Conv2d))
            {
                throw new InvalidDataException($"LoRA layer '{layer.DownKey}': module '{path}' is a {module.GetType().Name}; only Linear and Conv2d layers can be fused");
            }
            var weight = module.named_parameters(recurse: false).FirstOrDefault(p => p.name == "weight").parameter
                ?? throw new InvalidDataException($"LoRA layer '{layer.DownKey}': module '{path}' has no weight");
            CheckShapes(layer, path, weight.shape);
            plan.Add((layer, path, module, weight));
        }
        return plan;
    }

    private static string Resolve(LoraLayer layer, Dictionary<string, nn.Module> modules, Dictionary<string, List<string>> flattened, nn.Module target)
    {
        if (!layer.FlattenedName)
        {
            return modules.ContainsKey(layer.ModulePath)
                ? layer.ModulePath
                : throw new InvalidDataException($"LoRA layer '{layer.DownKey}': the {target.GetType().Name} has no module '{layer.ModulePath}'");
        }
        if (!flattened.TryGetValue(layer.ModulePath, out var paths))
        {
            throw new InvalidDataException($"LoRA layer '{layer.DownKey}': no module of the {target.GetType().Name} has a path that reads '{layer.ModulePath}' with '.' written as '_'");
        }
        if (paths.Count > 1)
        {
            throw new InvalidDataException($"LoRA layer '{layer.DownKey}': '{layer.ModulePath}' matches several modules ({string.Join(", ", paths)})");
        }
        return paths[0];
    }

    // W [out, in(, kh, kw)]: up [out, r(, 1, 1)], down [r, in(, kh, kw)] (a 1x1 conv also takes a 2-D pair and vice versa).
    private static void CheckShapes(LoraLayer layer, string path, long[] weight)
    {
        var down = layer.Down.shape;
        var up = layer.Up.shape;
        long r = down[0];
        long fanIn = 1;
        for (int i = 1; i < weight.Length; i++)
        {
            fanIn *= weight[i];
        }
        long downFanIn = 1;
        for (int i = 1; i < down.Length; i++)
        {
            downFanIn *= down[i];
        }
        bool kernelsAgree = down.Length != 4 || weight.Length != 4 || down.Skip(1).SequenceEqual(weight.Skip(1));
        bool fits = weight.Length is 2 or 4 && up[0] == weight[0] && up[1] == r && downFanIn == fanIn && kernelsAgree;
        if (!fits)
        {
            throw new InvalidDataException(
                $"LoRA layer '{layer.DownKey}': down [{string.Join(", ", down)}] and up [{string.Join(", ", up)}] do not fit module '{path}' weight [{string.Join(", ", weight)}]; expected up [{weight[0]}, r] and down [r, {string.Join(", ", weight.Skip(1))}]");
        }
    }
}
