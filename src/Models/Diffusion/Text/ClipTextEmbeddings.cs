using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Text;

/// <summary>
/// transformers <c>CLIPTextEmbeddings</c>: <c>token_embedding[ids] + position_embedding[0:L]</c>. The
/// <c>position_ids</c> buffer (arange, non-persistent in current transformers, stored by old checkpoints) is not
/// kept: positions are always 0..L-1.
/// </summary>
public sealed class ClipTextEmbeddings : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Embedding token_embedding;
    private readonly TorchSharp.Modules.Embedding position_embedding;
    private readonly int _maxPositions;

    /// <summary>Creates the embeddings of <paramref name="config"/>.</summary>
    public ClipTextEmbeddings(ClipTextConfig config, Device? device = null)
        : base(nameof(ClipTextEmbeddings))
    {
        ArgumentNullException.ThrowIfNull(config);
        _maxPositions = config.MaxPositionEmbeddings;
        token_embedding = nn.Embedding(config.VocabSize, config.HiddenSize, device: device);
        position_embedding = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize, device: device);
        RegisterComponents();
    }

    /// <summary>[B, L] int64 ids -> [B, L, D].</summary>
    public override Tensor forward(Tensor inputIds)
    {
        var length = inputIds.shape[^1];
        if (length > _maxPositions)
        {
            throw new ArgumentException($"input has {length} tokens, the text encoder at most {_maxPositions}", nameof(inputIds));
        }
        using var scope = NewDisposeScope();
        var positions = position_embedding.weight!.narrow(0, 0, length);
        return (token_embedding.forward(inputIds) + positions).MoveToOuterDisposeScope();
    }
}
