using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Index.Eval;

/// <summary>
/// Multinomial logistic regression on standardised features, fitted full-batch in TorchSharp (float32, CPU), from
/// zero weights, with a fixed number of accelerated gradient steps; several weight decays can be fitted at once.
/// Nothing is drawn at random, so two fits of the same data give the same weights.
/// </summary>
/// <remarks>
/// <para>Why not <c>torch.optim.LBFGS</c>: TorchSharp's L-BFGS has no line search (no <c>line_search_fn</c>), so
/// its fixed step can overshoot and diverge on a weakly regularised, separable problem. Nesterov's accelerated
/// gradient with step 1/L cannot: L bounds the curvature (Böhning's bound for the softmax cross-entropy, 0.5 λmax of
/// the feature Gram matrix, plus the weight decay), and a restart whenever the gradient opposes the last move
/// (O'Donoghue and Candès, 2015) removes the oscillation momentum causes. The gradient of softmax cross-entropy is
/// Xᵀ(softmax(XW) - Y)/n, one line, so no autograd graph is built.</para>
/// <para>Objective: mean cross-entropy + λ/2 |W|², the bias not penalised.</para>
/// <para>Memory: the design matrix (rows x (d + 1) floats) plus about four rows x classes x (fits at once) float
/// matrices; fits are grouped to keep the latter under <see cref="WorkingSetBytes"/>.</para>
/// </remarks>
internal sealed class SoftmaxRegression
{
    private readonly float[] _mean;    // [d] train mean
    private readonly float[] _scale;   // [d] train standard deviation (1 where a feature is constant)
    private readonly float[] _weights; // [d + 1, classes], row-major; the last row is the bias

    private SoftmaxRegression(float[] mean, float[] scale, float[] weights, int dimension, int classes)
    {
        _mean = mean;
        _scale = scale;
        _weights = weights;
        Dimension = dimension;
        Classes = classes;
    }

    /// <summary>Bytes the per-step [rows, fits x classes] matrices of one group of fits may take together.</summary>
    internal const long WorkingSetBytes = 512L * 1024 * 1024;

    /// <summary>Feature dimension.</summary>
    public int Dimension { get; }

    /// <summary>Number of classes (outputs).</summary>
    public int Classes { get; }

    /// <summary>Fits <paramref name="data"/> with weight decay <paramref name="weightDecay"/> in <paramref name="iterations"/> steps.</summary>
    public static SoftmaxRegression Fit(LabelledFeatures data, int classes, double weightDecay, int iterations) =>
        Fit(data, classes, [weightDecay], iterations)[0];

    /// <summary>
    /// Fits <paramref name="data"/> once per weight decay, all in one pass: the fits share the design matrix, so their
    /// weights sit side by side in one [d + 1, fits x classes] matrix and each step is two matrix products for all of
    /// them. Few, larger products matter on a busy machine, where every multi-threaded product waits for a core.
    /// </summary>
    public static SoftmaxRegression[] Fit(LabelledFeatures data, int classes, IReadOnlyList<double> weightDecays, int iterations)
    {
        long perFit = 4L * sizeof(float) * data.Rows * classes;
        int groupSize = (int)Math.Clamp(WorkingSetBytes / perFit, 1, Math.Max(1, weightDecays.Count));
        return [.. weightDecays.Chunk(groupSize).SelectMany(group => FitTogether(data, classes, group, iterations))];
    }

    private static SoftmaxRegression[] FitTogether(LabelledFeatures data, int classes, IReadOnlyList<double> weightDecays, int iterations)
    {
        int n = data.Rows, d = data.Dimension, fits = weightDecays.Count, width = fits * classes;
        using var scope = NewDisposeScope();
        var x = tensor(data.Features, [n, d]);
        var mean = x.mean([0]);
        var std = (x - mean).square().mean([0]).sqrt();
        var scale = std.masked_fill(std.eq(0), 1);
        var design = cat([(x - mean) / scale, ones(n, 1)], 1).contiguous(); // [n, d + 1]: standardised features, then 1 for the bias
        var designT = design.t().contiguous();
        var targets = nn.functional.one_hot(tensor(data.Labels, ScalarType.Int64), classes).to_type(ScalarType.Float32).repeat(1, fits);

        double gramMax = linalg.eigvalsh(designT.mm(design).to_type(ScalarType.Float64) / n).max().item<double>();
        // Per column (fit f owns columns f*classes .. f*classes+classes-1): its weight decay and its step 1/L.
        var decayRow = weightDecays.SelectMany(wd => Enumerable.Repeat((float)wd, classes)).ToArray();
        var stepRow = weightDecays.SelectMany(wd => Enumerable.Repeat((float)(1 / (0.5 * gramMax + wd)), classes)).ToArray();
        var decay = cat([ones(d, 1), zeros(1, 1)], 0) * tensor(decayRow, [1, width]); // no penalty on the bias row
        var steps = tensor(stepRow, [1, width]);

        var theta = zeros(d + 1, width);
        var lookahead = zeros(d + 1, width);
        var t = Enumerable.Repeat(1.0, fits).ToArray();
        var momentumRow = new float[width];
        for (int i = 0; i < iterations; i++)
        {
            using var stepScope = NewDisposeScope();
            var probabilities = nn.functional.softmax(design.mm(lookahead).view(n, fits, classes), 2).view(n, width);
            var gradient = designT.mm(probabilities - targets).div_(n).add_(lookahead * decay);
            var next = lookahead - gradient * steps;
            var move = next - theta;
            var progress = (gradient * move).view(d + 1, fits, classes).sum([0L, 2L]).data<float>().ToArray(); // [fits]
            for (int f = 0; f < fits; f++)
            {
                bool restart = progress[f] > 0;
                double tNext = restart ? 1 : (1 + Math.Sqrt(1 + 4 * t[f] * t[f])) / 2;
                Array.Fill(momentumRow, restart ? 0f : (float)((t[f] - 1) / tNext), f * classes, classes);
                t[f] = tNext;
            }
            lookahead.copy_(next + move * tensor(momentumRow, [1, width]));
            theta.copy_(next);
        }

        var meanValues = mean.data<float>().ToArray();
        var scaleValues = scale.data<float>().ToArray();
        return [.. Enumerable.Range(0, fits).Select(f =>
            new SoftmaxRegression(meanValues, scaleValues, theta.narrow(1, f * classes, classes).contiguous().data<float>().ToArray(), d, classes))];
    }

    /// <summary>
    /// The objective the fit minimises, mean cross-entropy + λ/2 |W|² (bias not penalised), on <paramref name="data"/>
    /// standardised with this model's train statistics; in double precision.
    /// </summary>
    public double Objective(LabelledFeatures data, double weightDecay)
    {
        var logits = Logits(data);
        double loss = 0;
        for (int r = 0; r < data.Rows; r++)
        {
            var row = logits.AsSpan(r * Classes, Classes);
            double max = double.NegativeInfinity;
            foreach (float v in row)
                max = Math.Max(max, v);
            double sum = 0;
            foreach (float v in row)
                sum += Math.Exp(v - max);
            loss += max + Math.Log(sum) - row[data.Labels[r]];
        }
        double squares = 0;
        for (int i = 0; i < Dimension * Classes; i++)
            squares += (double)_weights[i] * _weights[i];
        return loss / data.Rows + weightDecay / 2 * squares;
    }

    /// <summary>The class of each row of <paramref name="features"/> with the largest logit (equal logits: the lower class).</summary>
    public int[] Predict(LabelledFeatures features)
    {
        int n = features.Rows;
        var logits = Logits(features);
        var predictions = new int[n];
        for (int r = 0; r < n; r++)
        {
            var row = logits.AsSpan(r * Classes, Classes);
            int best = 0;
            for (int c = 1; c < Classes; c++)
            {
                if (row[c] > row[best])
                    best = c;
            }
            predictions[r] = best;
        }
        return predictions;
    }

    /// <summary>Row-major [rows, classes] logits of <paramref name="features"/>.</summary>
    private float[] Logits(LabelledFeatures features)
    {
        if (features.Dimension != Dimension)
            throw new ArgumentException($"features have dimension {features.Dimension}, the model {Dimension}.", nameof(features));
        int n = features.Rows;
        using var scope = NewDisposeScope();
        var x = (tensor(features.Features, [n, Dimension]) - tensor(_mean)) / tensor(_scale);
        var design = cat([x, ones(n, 1)], 1);
        return design.mm(tensor(_weights, [Dimension + 1, Classes])).contiguous().data<float>().ToArray();
    }
}
