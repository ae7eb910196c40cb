using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Text;

/// <summary>
/// transformers <c>CLIPTextModel</c> (and <c>CLIPTextModelWithProjection</c> when built with a projection): the
/// text encoder of Stable Diffusion. Its state-dict keys are exactly the Hugging Face ones
/// (<c>text_model.embeddings.token_embedding.weight</c>, <c>text_model.encoder.layers.{i}.self_attn.q_proj.weight</c>,
/// ..., <c>text_model.final_layer_norm.weight</c>, optionally <c>text_projection.weight</c>), so a diffusers
/// <c>text_encoder/</c> loads one to one (<see cref="Load"/>). <see cref="forward"/> returns
/// <c>last_hidden_state</c>, which SD pipelines use as <c>prompt_embeds</c>.
/// </summary>
public sealed partial class ClipTextModel : nn.Module<Tensor, Tensor>
{
    private readonly ClipTextTransformer text_model;
    private readonly Linear? text_projection;

    /// <summary>Creates a randomly initialised model; <see cref="Load"/> fills one from a folder.</summary>
    /// <param name="config">The architecture.</param>
    /// <param name="withProjection">Add <c>text_projection</c> (bias-free Linear(D, projection_dim)), as CLIPTextModelWithProjection.</param>
    /// <param name="device">Where to allocate.</param>
    public ClipTextModel(ClipTextConfig config, bool withProjection = false, Device? device = null)
        : base(nameof(ClipTextModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate("ClipTextConfig");
        Config = config;
        text_model = new ClipTextTransformer(config, device);
        if (withProjection)
        {
            text_projection = nn.Linear(config.HiddenSize, config.ProjectionDim ?? config.HiddenSize, hasBias: false, device: device);
        }
        RegisterComponents();
    }

    /// <summary>The architecture this module was built from.</summary>
    public ClipTextConfig Config { get; }

    /// <summary>True for CLIPTextModelWithProjection (a <c>text_projection.weight</c> key).</summary>
    public bool HasProjection => text_projection is not null;

    /// <summary>[B, L] int64 ids -> last_hidden_state [B, L, D] (causal attention, no padding mask, as SD).</summary>
    public override Tensor forward(Tensor inputIds)
    {
        CheckIds(inputIds);
        return text_model.forward(inputIds);
    }

    /// <summary>The forward with <c>hidden_states</c> kept (transformers' <c>output_hidden_states=True</c>).</summary>
    public ClipTextOutput ForwardWithHiddenStates(Tensor inputIds)
    {
        CheckIds(inputIds);
        return text_model.ForwardWithHiddenStates(inputIds);
    }

    /// <summary>
    /// <c>pooler_output</c> [B, D]: the row of <paramref name="lastHiddenState"/> chosen by <paramref name="pooling"/>
    /// (default: <see cref="ClipTextConfig.DefaultPooling"/>, transformers >= 4.31's choice for this config).
    /// </summary>
    public Tensor Pool(Tensor lastHiddenState, Tensor inputIds, ClipPooling? pooling = null) =>
        Pool(lastHiddenState, inputIds, pooling ?? Config.DefaultPooling, Config.EosTokenId);

    /// <summary>The position each row is pooled at under <paramref name="pooling"/>: [B] int64.</summary>
    public static Tensor PoolIndex(Tensor inputIds, ClipPooling pooling, long eosTokenId)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        using var scope = NewDisposeScope();
        // torch.argmax returns the first maximum, which both rules rely on.
        var index = pooling == ClipPooling.ArgmaxId
            ? inputIds.argmax(-1)
            : inputIds.eq(eosTokenId).to(ScalarType.Int32).argmax(-1);
        return index.MoveToOuterDisposeScope();
    }

    /// <summary><c>h[b, PoolIndex(ids)[b]]</c> for [B, L, D] <paramref name="lastHiddenState"/> and [B, L] ids.</summary>
    public static Tensor Pool(Tensor lastHiddenState, Tensor inputIds, ClipPooling pooling, long eosTokenId)
    {
        ArgumentNullException.ThrowIfNull(lastHiddenState);
        using var scope = NewDisposeScope();
        var b = lastHiddenState.shape[0];
        var d = lastHiddenState.shape[2];
        var index = PoolIndex(inputIds, pooling, eosTokenId).to(lastHiddenState.device).view(b, 1, 1).expand(b, 1, d);
        return lastHiddenState.gather(1, index).squeeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>CLIPTextModelWithProjection's <c>text_embeds</c>: <c>text_projection(pooled)</c>.</summary>
    /// <exception cref="InvalidOperationException">The model has no projection.</exception>
    public Tensor Project(Tensor pooled) =>
        text_projection is null
            ? throw new InvalidOperationException("this CLIP text model has no text_projection (it is a CLIPTextModel, not CLIPTextModelWithProjection)")
            : text_projection.forward(pooled);

    private static void CheckIds(Tensor inputIds)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        if (inputIds.dim() != 2 || inputIds.dtype != ScalarType.Int64)
        {
            throw new ArgumentException($"input_ids must be [B, L] int64, seen [{string.Join(", ", inputIds.shape)}] {inputIds.dtype}", nameof(inputIds));
        }
    }
}
