using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision.Layers;

/// <summary>
/// timm <c>BatchNormAct2d</c>: BatchNorm2d with its running statistics followed by SiLU (or no activation). Its keys
/// are those of <c>nn.BatchNorm2d</c> (<c>weight</c>, <c>bias</c>, <c>running_mean</c>, <c>running_var</c>,
/// <c>num_batches_tracked</c>), which is why it is not a BatchNorm2d inside a wrapper. Inference only: it always
/// normalises with the running statistics, in train mode too, and never updates them.
/// </summary>
public sealed class BatchNormAct2d : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly Tensor running_mean;
    private readonly Tensor running_var;
    private readonly Tensor num_batches_tracked;
    private readonly double _eps;
    private readonly bool _applyAct;

    /// <summary>Creates the layer with identity statistics (mean 0, var 1, weight 1, bias 0).</summary>
    /// <param name="channels">Channels.</param>
    /// <param name="eps">Variance epsilon (timm: 1e-5, TensorFlow ports: 1e-3).</param>
    /// <param name="applyAct">Apply SiLU after the norm.</param>
    /// <param name="device">Where to allocate.</param>
    public BatchNormAct2d(long channels, double eps, bool applyAct = true, Device? device = null)
        : base(nameof(BatchNormAct2d))
    {
        _eps = eps;
        _applyAct = applyAct;
        weight = new Parameter(torch.ones(channels, device: device));
        bias = new Parameter(torch.zeros(channels, device: device));
        running_mean = torch.zeros(channels, device: device);
        running_var = torch.ones(channels, device: device);
        num_batches_tracked = torch.zeros([], ScalarType.Int64, device: device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = nn.functional.batch_norm(input, running_mean, running_var, weight, bias, training: false, eps: _eps);
        if (_applyAct)
        {
            x = nn.functional.silu(x, inplace: true);
        }
        return x.MoveToOuterDisposeScope();
    }
}
