using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.UNet;

/// <summary>
/// diffusers <c>TimestepEmbedding</c> (<c>time_embedding</c>): <c>linear_2(silu(linear_1(x + cond_proj(cond))))</c>.
/// <c>cond_proj</c> (bias-free) exists only for LCM UNets (<c>time_cond_proj_dim</c>): it maps the guidance-scale
/// embedding onto the sinusoidal timestep projection before <c>linear_1</c>.
/// </summary>
public sealed class TimestepEmbedding : nn.Module
{
    private readonly Linear linear_1;
    private readonly Linear linear_2;
    private readonly Linear? cond_proj;

    /// <summary>Creates the embedding from <paramref name="inChannels"/> to <paramref name="timeEmbedDim"/>.</summary>
    public TimestepEmbedding(int inChannels, int timeEmbedDim, int? condProjDim)
        : base(nameof(TimestepEmbedding))
    {
        linear_1 = nn.Linear(inChannels, timeEmbedDim, hasBias: true);
        linear_2 = nn.Linear(timeEmbedDim, timeEmbedDim, hasBias: true);
        if (condProjDim is { } c)
        {
            cond_proj = nn.Linear(c, inChannels, hasBias: false);
        }
        RegisterComponents();
    }

    /// <summary>True when the module has <c>cond_proj</c> and so accepts a condition.</summary>
    public bool HasCondProj => cond_proj is not null;

    /// <summary>[B, in] (+ optional [B, cond] condition) -> [B, timeEmbedDim].</summary>
    public Tensor forward(Tensor x, Tensor? condition = null)
    {
        using var scope = NewDisposeScope();
        if (condition is not null)
        {
            if (cond_proj is null)
            {
                throw new ArgumentException("a timestep condition was given but this UNet has no time_embedding.cond_proj (config time_cond_proj_dim is null)", nameof(condition));
            }
            x = x + cond_proj.forward(condition);
        }
        var h = nn.functional.silu(linear_1.forward(x), inplace: true);
        return linear_2.forward(h).MoveToOuterDisposeScope();
    }
}
