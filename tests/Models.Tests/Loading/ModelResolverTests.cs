using System.Text.Json.Nodes;
using Pipeline.Models.Loading;
using Pipeline.Models.Registry;
using Pipeline.Models.Vision;

namespace Pipeline.Models.Tests.Loading;

/// <summary>How <c>--model</c> / <c>--weights</c> resolve, and the errors users see.</summary>
public sealed class ModelResolverTests : IDisposable
{
    private readonly ModelFolderBuilder _folders = new();

    public void Dispose() => _folders.Dispose();

    [Fact]
    public void HuggingFaceDinov2FolderTakesConfigProcessorAndLibraryResampling()
    {
        var folder = _folders.HuggingFaceFolder("dinov2_tiny", ModelFolderBuilder.BitProcessor());
        var resolved = ModelResolver.Resolve(folder, weights: null);
        var config = Assert.IsType<VisionTransformerConfig>(resolved.Architecture);
        Assert.Equal(Path.GetFullPath(folder), resolved.ModelId);
        Assert.Equal((48, 3, 3, 56, 14, 192, 0), (config.EmbedDim, config.Depth, config.NumHeads, config.ImgSize, config.PatchSize, config.MlpHidden, config.RegTokens));
        Assert.Equal(1e-6, config.LayerNormEps);
        Assert.Equal(ViTPosEmbedResampling.Transformers, config.PosEmbedResampling);
        Assert.Equal(ViTPooling.Cls, config.Pooling);
        Assert.Equal(0, resolved.NumClasses);
        Assert.Equal((256, 224, 224, Interpolation.Bicubic, CropRounding.Floor),
            (resolved.Preprocess.ResizeShortestEdge, resolved.Preprocess.CropHeight, resolved.Preprocess.CropWidth, resolved.Preprocess.Interpolation, resolved.Preprocess.CropRounding));
        Assert.Equal(PreprocessConfig.ImageNetMean, resolved.Preprocess.Mean);
    }

    [Fact]
    public void HuggingFaceRegistersFolderFoldsAndAntialiases()
    {
        var folder = _folders.HuggingFaceFolder("dinov2_reg_tiny", ModelFolderBuilder.BitProcessor());
        var config = Assert.IsType<VisionTransformerConfig>(ModelResolver.Resolve(folder, null).Architecture);
        Assert.Equal((4, true), (config.RegTokens, config.NoEmbedClass));
        Assert.Equal(ViTPosEmbedResampling.Timm, config.PosEmbedResampling);
    }

    [Fact]
    public void HuggingFaceConfigDefaultsAndSwiGluWidthFollowTransformers()
    {
        var folder = _folders.HuggingFaceFolder("dinov2_tiny", ModelFolderBuilder.BitProcessor());
        var path = Path.Combine(folder, "config.json");
        // facebook/dinov2-giant's config.json fields.
        ModelFolderBuilder.WriteJson(folder, "config.json", new JsonObject
        {
            ["model_type"] = "dinov2",
            ["architectures"] = new JsonArray("Dinov2Model"),
            ["hidden_size"] = 1536,
            ["num_hidden_layers"] = 40,
            ["num_attention_heads"] = 24,
            ["mlp_ratio"] = 4,
            ["use_swiglu_ffn"] = true,
            ["image_size"] = 518,
            ["patch_size"] = 14,
            ["layer_norm_eps"] = 1e-6,
        });
        var config = Assert.IsType<VisionTransformerConfig>(ModelResolver.Resolve(folder, null).Architecture);
        var timm = VisionTransformerConfig.Dinov2("giant", registers: false);
        Assert.Equal((timm.EmbedDim, timm.Depth, timm.NumHeads, timm.MlpHidden, true), (config.EmbedDim, config.Depth, config.NumHeads, config.MlpHidden, config.SwiGlu));
        Assert.True(File.Exists(path));

        ModelFolderBuilder.WriteJson(folder, "config.json", new JsonObject { ["model_type"] = "dinov2" });
        var defaults = Assert.IsType<VisionTransformerConfig>(ModelResolver.Resolve(folder, null).Architecture);
        // transformers' Dinov2Config defaults: 768 wide, 12 layers, patch 16, image 224, eps 1e-12.
        Assert.Equal((768, 12, 12, 16, 224, 1e-12), (defaults.EmbedDim, defaults.Depth, defaults.NumHeads, defaults.PatchSize, defaults.ImgSize, defaults.LayerNormEps));
    }

    [Fact]
    public void ClassificationConfigCountsLabelsAndPoolsClsMean()
    {
        var folder = _folders.HuggingFaceFolder("dinov2_tiny", ModelFolderBuilder.BitProcessor());
        var hf = ModelFolderBuilder.FixtureConfig("dinov2_tiny")["hf_config"]!.DeepClone().AsObject();
        hf["architectures"] = new JsonArray("Dinov2ForImageClassification");
        hf["id2label"] = new JsonObject { ["0"] = "cat", ["1"] = "dog", ["2"] = "fish" };
        ModelFolderBuilder.WriteJson(folder, "config.json", hf);
        var resolved = ModelResolver.Resolve(folder, null);
        Assert.Equal(3, resolved.NumClasses);
        Assert.Equal(ViTPooling.ClsMean, Assert.IsType<VisionTransformerConfig>(resolved.Architecture).Pooling);
    }

    [Fact]
    public void TimmFolderTakesPretrainedCfgAndModelArgs()
    {
        var folder = _folders.TimmFolder("dinov2_reg_tiny", ModelFolderBuilder.TimmPretrainedCfg(518, 1.0));
        var resolved = ModelResolver.Resolve(folder, null);
        var config = Assert.IsType<VisionTransformerConfig>(resolved.Architecture);
        Assert.Equal((48, 3, 56, 4, true), (config.EmbedDim, config.Depth, config.ImgSize, config.RegTokens, config.NoEmbedClass));
        Assert.Equal(ViTPosEmbedResampling.Timm, config.PosEmbedResampling);
        Assert.Equal((518, 518, 518, CropRounding.RoundHalfToEven),
            (resolved.Preprocess.ResizeShortestEdge, resolved.Preprocess.CropHeight, resolved.Preprocess.CropWidth, resolved.Preprocess.CropRounding));
        Assert.Equal(CheckpointNaming.Timm, resolved.Naming);
    }

    [Fact]
    public void RegistryNameTakesTheVariantAndDetectsTheFilesNaming()
    {
        var hubFile = Path.Combine(ModelFolderBuilder.FixtureDir("dinov2_tiny"), "weights_hf.safetensors");
        var resolved = ModelResolver.Resolve("vit_base_patch14_dinov2.lvd142m", hubFile);
        Assert.Equal("vit_base_patch14_dinov2.lvd142m", resolved.ModelId);
        Assert.Equal(CheckpointNaming.HuggingFace, resolved.Naming);
        Assert.Equal(Path.GetFullPath(hubFile), resolved.WeightsPath);
        Assert.Same(ModelRegistry.Get("vit_base_patch14_dinov2.lvd142m").Architecture, resolved.Architecture);
        var random = ModelResolver.Resolve("facebook/dinov2-with-registers-large", "RANDOM");
        Assert.Null(random.WeightsPath);
        Assert.Equal(CheckpointNaming.HuggingFace, random.Naming);
    }

    [Fact]
    public void BareTimmArchitectureResolvesToTimmsDefaultTag()
    {
        // timm 1.0.28 (timm/models/convnext.py default_cfgs): convnext_tiny's first tag is in12k_ft_in1k.
        var resolved = ModelResolver.Resolve("convnext_tiny", "random");
        var variant = ModelRegistry.Get("convnext_tiny.in12k_ft_in1k");
        Assert.Equal("convnext_tiny.in12k_ft_in1k", resolved.ModelId);
        Assert.Same(variant.Architecture, resolved.Architecture);
        Assert.Same(variant.Preprocess, resolved.Preprocess);
        Assert.Equal((235, 224, 1000), (resolved.Preprocess.ResizeShortestEdge, resolved.Preprocess.CropHeight, resolved.NumClasses));
        Assert.Null(resolved.WeightsPath);

        var dinov2 = ModelResolver.Resolve("vit_small_patch14_dinov2", "random");
        Assert.Equal("vit_small_patch14_dinov2.lvd142m", dinov2.ModelId);
        Assert.Equal(518, dinov2.Preprocess.CropHeight);

        AssertError<ArgumentException>(() => ModelResolver.Resolve("convnext_tiny", null), "'convnext_tiny' (timm's default tag convnext_tiny.in12k_ft_in1k) is a registry name");
    }

    [Fact]
    public void UnknownNamesAreRefusedWithSuggestions()
    {
        AssertError<ArgumentException>(() => ModelResolver.Resolve("convnext_tiyn", "random"), "Did you mean 'convnext_tiny'");
        AssertError<ArgumentException>(() => ModelResolver.Resolve("vit_small_patch14_dinov2.lvd142", "random"), "tags of vit_small_patch14_dinov2 (default first): vit_small_patch14_dinov2.lvd142m");
        AssertError<ArgumentException>(() => ModelResolver.Resolve("resnet50", "random"), "--model 'resnet50' is neither a model folder nor a registry name. Run 'pipeline models'");
    }

    [Fact]
    public void ErrorsSayWhatIsWrong()
    {
        AssertError<ArgumentException>(() => ModelResolver.Resolve("no_such_model", null), "neither a model folder nor a registry name");
        AssertError<ArgumentException>(() => ModelResolver.Resolve("facebook/dinov2-small", null), "--weights");
        AssertError<ArgumentException>(() => ModelResolver.Resolve("facebook/dinov2-small", "pytorch_model.bin"), "pickle");
        AssertError<FileNotFoundException>(() => ModelResolver.Resolve("facebook/dinov2-small", Path.Combine(_folders.Root, "missing.safetensors")), "does not exist");

        var empty = _folders.NewFolder("empty");
        AssertError<FileNotFoundException>(() => ModelResolver.Resolve(empty, null), "no config.json");

        var neither = _folders.NewFolder("neither");
        ModelFolderBuilder.WriteJson(neither, "config.json", new JsonObject { ["hidden_size"] = 8 });
        AssertError<InvalidDataException>(() => ModelResolver.Resolve(neither, null), "neither 'architecture'");

        var bert = _folders.NewFolder("bert");
        ModelFolderBuilder.WriteJson(bert, "config.json", new JsonObject { ["model_type"] = "bert" });
        AssertError<NotSupportedException>(() => ModelResolver.Resolve(bert, null), "model_type 'bert'");

        var timmVit = _folders.NewFolder("timm_unknown");
        ModelFolderBuilder.WriteJson(timmVit, "config.json", new JsonObject { ["architecture"] = "vit_base_patch16_224", ["pretrained_cfg"] = ModelFolderBuilder.TimmPretrainedCfg(224, 0.9) });
        AssertError<ArgumentException>(() => ModelResolver.Resolve(timmVit, null), "vit_base_patch16_224");

        var pickle = _folders.HuggingFaceFolder("dinov2_tiny", ModelFolderBuilder.BitProcessor());
        File.Move(Path.Combine(pickle, "model.safetensors"), Path.Combine(pickle, "pytorch_model.bin"));
        AssertError<FileNotFoundException>(() => ModelResolver.Resolve(pickle, null), "only pickle weights");
        Assert.Null(ModelResolver.Resolve(pickle, "random").WeightsPath);

        File.Delete(Path.Combine(pickle, "preprocessor_config.json"));
        AssertError<FileNotFoundException>(() => ModelResolver.Resolve(pickle, "random"), "preprocessor_config.json");

        var badJson = _folders.NewFolder("bad_json");
        File.WriteAllText(Path.Combine(badJson, "config.json"), "{ \"model_type\": ");
        AssertError<InvalidDataException>(() => ModelResolver.Resolve(badJson, null), "not valid JSON");
    }

    [Fact]
    public void ProcessorsThatCannotBeReproducedAreRefused()
    {
        var folder = _folders.HuggingFaceFolder("convnext_v1_tiny", new JsonObject
        {
            ["image_processor_type"] = "ConvNextImageProcessor",
            ["size"] = new JsonObject { ["shortest_edge"] = 384 },
            ["resample"] = 3,
        });
        // At 384 px ConvNextImageProcessor warps to a square without cropping: a squash resize, no crop margin.
        var warped = ModelResolver.Resolve(folder, null).Preprocess;
        Assert.Equal((384, 384, 384, true), (warped.ResizeShortestEdge, warped.CropHeight, warped.CropWidth, warped.Squash));
        var processor = ModelFolderBuilder.BitProcessor();
        processor["resample"] = 1;
        ModelFolderBuilder.WriteJson(folder, "preprocessor_config.json", processor);
        AssertError<NotSupportedException>(() => ModelResolver.Resolve(folder, null), "resample 1");
    }

    [Fact]
    public void ConvNextProcessorCropsAtCropPct()
    {
        var folder = _folders.HuggingFaceFolder("convnext_v1_tiny", new JsonObject
        {
            ["feature_extractor_type"] = "ConvNextFeatureExtractor",
            ["size"] = 224,
            ["crop_pct"] = 0.875,
            ["resample"] = 3,
            ["image_mean"] = new JsonArray(0.485, 0.456, 0.406),
            ["image_std"] = new JsonArray(0.229, 0.224, 0.225),
        });
        var resolved = ModelResolver.Resolve(folder, null);
        Assert.Equal((256, 224, 224, CropRounding.Floor), (resolved.Preprocess.ResizeShortestEdge, resolved.Preprocess.CropHeight, resolved.Preprocess.CropWidth, resolved.Preprocess.CropRounding));
        Assert.Equal(7, resolved.NumClasses);
        Assert.Equal("convnext", resolved.Architecture.Family);
    }

    private static void AssertError<T>(Func<object> action, string fragment)
        where T : Exception
    {
        var error = Assert.Throws<T>(action);
        Assert.True(error.Message.Contains(fragment, StringComparison.Ordinal), $"expected the {typeof(T).Name} message to contain '{fragment}', seen: {error.Message}");
    }
}
