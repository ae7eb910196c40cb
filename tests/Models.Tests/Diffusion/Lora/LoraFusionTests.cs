using Pipeline.Models.Checkpoints;
using Pipeline.Models.Diffusion.Lora;
using TorchSharp;
using TorchSharp.Modules;
using Pipeline.Models.Vision.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Diffusion.Lora;

/// <summary>
/// <see cref="LoraWeights"/> and <see cref="LoraFusion"/> on a tiny UNet-shaped module tree: LoRA files written in kohya,
/// diffusers and PEFT naming, fused weights checked against <c>W + scale·(alpha/r)·up·down</c> computed here in
/// float64, and fused layers' outputs against the unfused layer plus the low-rank path.
/// </summary>
public sealed class LoraFusionTests : IDisposable
{
    private const string Attn = "down_blocks.0.attentions.0.transformer_blocks.0.attn1";

    /// <summary>(module path, rank, alpha) of the layers the test LoRA targets: Linear with and without bias, GEGLU proj, 1x1 and 3x3 convs.</summary>
    private static readonly (string Path, int Rank, double Alpha)[] Targets =
    [
        ($"{Attn}.to_q", 4, 2.0),
        ($"{Attn}.to_out.0", 2, 8.0),
        ("down_blocks.0.attentions.0.transformer_blocks.0.ff.net.0.proj", 4, 1.0),
        ("down_blocks.0.attentions.0.transformer_blocks.0.ff.net.2", 3, 3.0),
        ("down_blocks.0.attentions.0.proj_in", 2, 0.5),
        ("down_blocks.0.resnets.0.conv1", 4, 2.0),
        ("down_blocks.1.resnets.0.time_emb_proj", 2, 4.0),
    ];

    private readonly string dir = Path.Combine(Path.GetTempPath(), "lora-test-" + Guid.NewGuid().ToString("N"));
    private readonly DisposeScope scope = NewDisposeScope();

    public LoraFusionTests() => Directory.CreateDirectory(dir);

    public void Dispose()
    {
        scope.Dispose();
        Directory.Delete(dir, recursive: true);
    }

    [Theory]
    [InlineData("kohya", 0.75)]
    [InlineData("diffusers", 1.0)]
    [InlineData("peft", 0.5)]
    public void FusedWeightsFollowTheFormula(string naming, double scale)
    {
        var (original, fused) = Models();
        var pairs = Pairs(original, seed: 11);
        bool hasAlpha = naming != "peft";
        using var lora = LoraWeights.Load(Write(naming, pairs, withAlpha: true));
        Assert.True(lora.UNetLayers.Count == Targets.Length, $"UNet layers: expected {Targets.Length}, seen {lora.UNetLayers.Count}");
        Assert.True(lora.TextEncoderLayers.Count == 0, $"text-encoder layers: expected 0, seen {lora.TextEncoderLayers.Count}");

        var report = LoraFusion.Fuse(fused, lora.UNetLayers, scale);

        Assert.True(report.LinearLayers == 5 && report.Conv2dLayers == 2, $"report: expected 5 Linear + 2 Conv2d, seen {report.Summary}");
        Assert.True(report.ModulePaths.Order().SequenceEqual(Targets.Select(t => t.Path).Order()),
            $"fused modules: expected [{string.Join(", ", Targets.Select(t => t.Path))}], seen [{string.Join(", ", report.ModulePaths)}]");
        foreach (var (path, rank, alpha) in Targets)
        {
            var (down, up) = pairs[path];
            double factor = scale * (hasAlpha ? alpha : rank) / rank;
            var w0 = Weight(original, path).to(ScalarType.Float64);
            var expected = w0 + up.to(ScalarType.Float64).flatten(1).matmul(down.to(ScalarType.Float64).flatten(1)).reshape(w0.shape) * factor;
            AssertClose(expected, Weight(fused, path), $"{naming}: fused weight of {path}", 1e-5);
        }
        // Untargeted weights stay as they were.
        AssertClose(Weight(original, "conv_in"), Weight(fused, "conv_in"), "conv_in (not in the LoRA)", 0);
        AssertClose(Bias(original, $"{Attn}.to_out.0"), Bias(fused, $"{Attn}.to_out.0"), "to_out.0 bias", 0);
    }

    [Fact]
    public void FusedLayersEqualTheLayerPlusTheLowRankPath()
    {
        const double scale = 0.8;
        var (original, fused) = Models();
        var pairs = Pairs(original, seed: 5);
        using var lora = LoraWeights.Load(Write("kohya", pairs, withAlpha: true));
        LoraFusion.Fuse(fused, lora.UNetLayers, scale);

        var generator = new Generator(3);
        foreach (var (path, rank, alpha) in Targets)
        {
            var (down, up) = pairs[path];
            double factor = scale * alpha / rank;
            Tensor expected, seen;
            if (original.At(path) is Linear or TokenLinear)
            {
                // The transformers' projections are TokenLinear, the time embedding's plain Linear.
                var linear = (nn.Module<Tensor, Tensor>)original.At(path);
                long inFeatures = linear is TokenLinear token ? token.InFeatures : ((Linear)linear).weight!.shape[1];
                var x = randn([2, 3, inFeatures], generator: generator);
                expected = linear.forward(x) + x.matmul(down.t()).matmul(up.t()) * factor;
                seen = ((nn.Module<Tensor, Tensor>)fused.At(path)).forward(x);
            }
            else
            {
                var conv = (Conv2d)original.At(path);
                var x = randn([2, conv.weight!.shape[1], 6, 6], generator: generator);
                long pad = (down.shape[2] - 1) / 2;
                var lowRank = nn.functional.conv2d(nn.functional.conv2d(x, down, padding: [pad, pad]), up);
                expected = conv.forward(x) + lowRank * factor;
                seen = ((Conv2d)fused.At(path)).forward(x);
            }
            AssertClose(expected, seen, $"output of {path}", 1e-5);
        }
    }

    [Fact]
    public void KohyaDiffusersAndPeftFilesOfTheSameWeightsFuseIdentically()
    {
        // PEFT files carry no alpha (alpha = rank): write the others with alpha = rank too.
        var (original, _) = Models();
        var pairs = Pairs(original, seed: 7);
        var results = new Dictionary<string, LoraTestUNet>();
        foreach (var naming in new[] { "kohya", "diffusers", "peft", "peft-unet", "processor" })
        {
            var model = Copy(original);
            var subset = naming == "processor" ? pairs.Where(p => p.Key.StartsWith(Attn, StringComparison.Ordinal)).ToDictionary() : pairs;
            using var lora = LoraWeights.Load(Write(naming, subset, withAlpha: false, alphaEqualsRank: naming is "kohya" or "diffusers"));
            var report = LoraFusion.Fuse(model, lora.UNetLayers, 0.9);
            Assert.True(report.FusedLayers == subset.Count, $"{naming}: expected {subset.Count} fused layers, seen {report.FusedLayers}");
            results[naming] = model;
        }
        foreach (var (path, _, _) in Targets)
        {
            foreach (var naming in new[] { "diffusers", "peft", "peft-unet" })
            {
                AssertClose(Weight(results["kohya"], path), Weight(results[naming], path), $"{path}: kohya vs {naming}", 0);
            }
        }
        foreach (var path in new[] { $"{Attn}.to_q", $"{Attn}.to_out.0" })
        {
            AssertClose(Weight(results["kohya"], path), Weight(results["processor"], path), $"{path}: kohya vs attention-processor naming", 0);
        }
    }

    [Fact]
    public void TextEncoderKeysAreKeptApart()
    {
        var (original, _) = Models();
        var pairs = Pairs(original, seed: 1);
        var tensors = Tensors("kohya", pairs, withAlpha: true, alphaEqualsRank: false);
        tensors["lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight"] = randn(2, 8);
        tensors["lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_up.weight"] = randn(8, 2);
        tensors["text_encoder.text_model.encoder.layers.1.self_attn.k_proj.lora_linear_layer.down.weight"] = randn(2, 8);
        tensors["text_encoder.text_model.encoder.layers.1.self_attn.k_proj.lora_linear_layer.up.weight"] = randn(8, 2);
        tensors["lora_te2_text_model_encoder_layers_0_mlp_fc1.lora_down.weight"] = randn(2, 8);
        tensors["lora_te2_text_model_encoder_layers_0_mlp_fc1.lora_up.weight"] = randn(8, 2);
        using var lora = LoraWeights.Load(WriteFile("with_te.safetensors", tensors));
        Assert.True(lora.UNetLayers.Count == Targets.Length, $"UNet layers: expected {Targets.Length}, seen {lora.UNetLayers.Count}");
        var te = lora.TextEncoderLayers.Select(l => $"{l.ModulePath}|{l.FlattenedName}").Order(StringComparer.Ordinal).ToArray();
        Assert.True(te.SequenceEqual(["text_model.encoder.layers.1.self_attn.k_proj|False", "text_model_encoder_layers_0_self_attn_q_proj|True"]),
            $"text-encoder layers: expected k_proj (dotted) and q_proj (kohya), seen [{string.Join(", ", te)}]");
        Assert.True(lora.TextEncoder2Layers.Count == 1, $"text_encoder_2 layers: expected 1, seen {lora.TextEncoder2Layers.Count}");
    }

    [Fact]
    public void DownWithoutUpIsRefusedNamingTheKey()
    {
        var key = "lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight";
        var error = Assert.Throws<InvalidDataException>(() => LoraWeights.Load(WriteFile("no_up.safetensors", new() { [key] = randn(2, 8, 1, 1) })));
        Assert.True(error.Message.Contains(key, StringComparison.Ordinal), $"message: expected the key '{key}', seen '{error.Message}'");
    }

    [Fact]
    public void RankMismatchIsRefusedNamingTheKeys()
    {
        var down = $"unet.{Attn}.to_q.lora_A.weight";
        var up = $"unet.{Attn}.to_q.lora_B.weight";
        var error = Assert.Throws<InvalidDataException>(() => LoraWeights.Load(WriteFile("rank.safetensors", new() { [down] = randn(4, 8), [up] = randn(8, 3) })));
        Assert.True(error.Message.Contains(up, StringComparison.Ordinal) && error.Message.Contains(down, StringComparison.Ordinal),
            $"message: expected both keys, seen '{error.Message}'");
    }

    [Theory]
    [InlineData("model.diffusion_model.input_blocks.1.1.proj_in.weight")]
    [InlineData("lora_unet_down_blocks_0_resnets_0_conv1.dora_scale")]
    [InlineData("lora_unet_down_blocks_0_resnets_0_conv1.hada_w1_a")]
    [InlineData("lora_unet_down_blocks_0_resnets_0_conv1.alpha")]
    public void UnknownOrUnpairedKeysAreRefusedNamingThem(string key)
    {
        var error = Assert.Throws<InvalidDataException>(() => LoraWeights.Load(WriteFile("odd.safetensors", new() { [key] = tensor(1f) })));
        Assert.True(error.Message.Contains(key, StringComparison.Ordinal), $"message: expected the key '{key}', seen '{error.Message}'");
    }

    [Theory]
    [InlineData("lora_unet_down_blocks_0_attentions_0_no_such_layer", 8L, 0L)]
    [InlineData("lora_unet_down_blocks_0_resnets_0_conv1", 8L, 1L)]
    [InlineData("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_ff_net_1", 8L, 0L)]
    [InlineData("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q", 5L, 0L)]
    public void BadLayerFailsNamingItAndChangesNothing(string name, long inputs, long kernel)
    {
        var (original, fused) = Models();
        var tensors = Tensors("kohya", Pairs(original, seed: 2), withAlpha: true, alphaEqualsRank: false);
        tensors[$"{name}.lora_down.weight"] = kernel > 0 ? randn(2, inputs, kernel, kernel) : randn(2, inputs);
        tensors[$"{name}.lora_up.weight"] = randn(8, 2);
        using var lora = LoraWeights.Load(WriteFile("bad.safetensors", tensors));
        // The bad layer comes last: earlier layers are valid and must not have been fused either.
        var error = Assert.Throws<InvalidDataException>(() => LoraFusion.Fuse(fused, lora.UNetLayers, 1.0));
        Assert.True(error.Message.Contains($"{name}.lora_down.weight", StringComparison.Ordinal), $"message: expected the key of '{name}', seen '{error.Message}'");
        foreach (var (path, _, _) in Targets)
        {
            AssertClose(Weight(original, path), Weight(fused, path), $"{path} after a failed fuse", 0);
        }
    }

    [Fact]
    public void HalfPrecisionLoraIsFusedInFloat32()
    {
        var (original, fused) = Models();
        var pairs = Pairs(original, seed: 9).ToDictionary(p => p.Key, p => (p.Value.Down.to(ScalarType.Float16), p.Value.Up.to(ScalarType.Float16)));
        using var lora = LoraWeights.Load(Write("kohya", pairs, withAlpha: true));
        LoraFusion.Fuse(fused, lora.UNetLayers, 1.0);
        foreach (var (path, rank, alpha) in Targets)
        {
            var (down, up) = pairs[path];
            var w0 = Weight(original, path).to(ScalarType.Float64);
            var expected = w0 + up.to(ScalarType.Float64).flatten(1).matmul(down.to(ScalarType.Float64).flatten(1)).reshape(w0.shape) * (alpha / rank);
            AssertClose(expected, Weight(fused, path), $"fp16 LoRA: fused weight of {path}", 1e-5);
            Assert.True(Weight(fused, path).dtype == ScalarType.Float32, $"{path}: expected a float32 weight, seen {Weight(fused, path).dtype}");
        }
    }

    private static (LoraTestUNet Original, LoraTestUNet Fused) Models()
    {
        torch.manual_seed(42);
        var original = new LoraTestUNet();
        return (original, Copy(original));
    }

    private static LoraTestUNet Copy(LoraTestUNet source)
    {
        var copy = new LoraTestUNet();
        using var noGrad = no_grad();
        var state = source.state_dict();
        foreach (var (name, p) in copy.named_parameters())
        {
            p.copy_(state[name]);
        }
        return copy;
    }

    /// <summary>Random (down, up) per target, shaped for the module: Linear [r, in] / [out, r]; Conv2d [r, in, kh, kw] / [out, r, 1, 1].</summary>
    private static Dictionary<string, (Tensor Down, Tensor Up)> Pairs(LoraTestUNet model, int seed)
    {
        var generator = new Generator((ulong)seed);
        var pairs = new Dictionary<string, (Tensor, Tensor)>();
        foreach (var (path, rank, _) in Targets)
        {
            var w = Weight(model, path).shape;
            pairs[path] = w.Length == 2
                ? (randn([rank, w[1]], generator: generator), randn([w[0], rank], generator: generator))
                : (randn([rank, w[1], w[2], w[3]], generator: generator), randn([w[0], rank, 1, 1], generator: generator));
        }
        return pairs;
    }

    private string Write(string naming, Dictionary<string, (Tensor Down, Tensor Up)> pairs, bool withAlpha, bool alphaEqualsRank = false) =>
        WriteFile($"{naming}.safetensors", Tensors(naming, pairs, withAlpha || alphaEqualsRank, alphaEqualsRank));

    private static Dictionary<string, Tensor> Tensors(string naming, Dictionary<string, (Tensor Down, Tensor Up)> pairs, bool withAlpha, bool alphaEqualsRank)
    {
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (path, (down, up)) in pairs)
        {
            var target = Targets.Single(t => t.Path == path);
            double alpha = alphaEqualsRank ? target.Rank : target.Alpha;
            switch (naming)
            {
                case "kohya":
                    var flat = "lora_unet_" + path.Replace('.', '_');
                    tensors[$"{flat}.lora_down.weight"] = down;
                    tensors[$"{flat}.lora_up.weight"] = up;
                    if (withAlpha)
                    {
                        tensors[$"{flat}.alpha"] = tensor((float)alpha);
                    }
                    break;
                case "diffusers":
                    tensors[$"unet.{path}.lora.down.weight"] = down;
                    tensors[$"unet.{path}.lora.up.weight"] = up;
                    if (withAlpha)
                    {
                        tensors[$"unet.{path}.alpha"] = tensor((float)alpha);
                    }
                    break;
                case "peft":
                    tensors[$"base_model.model.{path}.lora_A.weight"] = down;
                    tensors[$"base_model.model.{path}.lora_B.weight"] = up;
                    break;
                case "peft-unet":
                    tensors[$"unet.{path}.lora_A.weight"] = down;
                    tensors[$"unet.{path}.lora_B.weight"] = up;
                    break;
                case "processor":
                    // Old attention-processor naming: attn1.processor.to_q_lora / to_out_lora (= to_out.0), no alpha.
                    var attention = path[..path.LastIndexOf(path.EndsWith(".to_out.0", StringComparison.Ordinal) ? ".to_out.0" : ".", StringComparison.Ordinal)];
                    var which = path.EndsWith(".to_out.0", StringComparison.Ordinal) ? "to_out" : path[(path.LastIndexOf('.') + 1)..];
                    tensors[$"unet.{attention}.processor.{which}_lora.down.weight"] = down;
                    tensors[$"unet.{attention}.processor.{which}_lora.up.weight"] = up;
                    break;
                default:
                    throw new ArgumentException(naming);
            }
        }
        return tensors;
    }

    private string WriteFile(string name, Dictionary<string, Tensor> tensors)
    {
        var path = Path.Combine(dir, name);
        SafeTensorsWriter.Write(path, tensors);
        return path;
    }

    private static Tensor Weight(LoraTestUNet model, string path) =>
        model.At(path).named_parameters(recurse: false).Single(p => p.name == "weight").parameter;

    private static Tensor Bias(LoraTestUNet model, string path) =>
        model.At(path).named_parameters(recurse: false).Single(p => p.name == "bias").parameter;

    private static void AssertClose(Tensor expected, Tensor actual, string what, double tolerance)
    {
        Assert.True(expected.shape.SequenceEqual(actual.shape), $"{what}: expected shape [{string.Join(", ", expected.shape)}], seen [{string.Join(", ", actual.shape)}]");
        var diff = (expected.to(ScalarType.Float64) - actual.to(ScalarType.Float64)).abs().max().item<double>();
        Assert.True(diff <= tolerance, $"{what}: expected max |diff| <= {tolerance:G3}, seen {diff:G3}");
    }
}
