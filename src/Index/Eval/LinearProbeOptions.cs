namespace Pipeline.Index.Eval;

/// <summary>Settings of the <see cref="LinearProbe"/>.</summary>
public sealed record LinearProbeOptions
{
    /// <summary>
    /// The default weight-decay grid, 1e-6 to 1 by decades: on standardised features that spans nearly unpenalised to
    /// strongly shrunk (scikit-learn's default C = 1 is λ = 1/n, 5e-4 for 2000 rows).
    /// </summary>
    public static readonly IReadOnlyList<double> DefaultWeightDecays = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1];

    /// <summary>
    /// L2 penalties tried, as λ in mean cross-entropy + λ/2 |W|² (the bias is not penalised). One value skips the
    /// validation split.
    /// </summary>
    public IReadOnlyList<double> WeightDecays { get; init; } = DefaultWeightDecays;

    /// <summary>Share of each class of the train set held out to choose the weight decay.</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>Seed of the validation split; the fit itself starts from zero and draws nothing.</summary>
    public int Seed { get; init; }

    /// <summary>Full-batch gradient steps of every fit (the budget is fixed: no tolerance decides when to stop).</summary>
    public int Iterations { get; init; } = 300;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(WeightDecays, nameof(WeightDecays));
        if (WeightDecays.Count == 0)
            throw new ArgumentException("the weight-decay grid is empty; give at least one value.", nameof(WeightDecays));
        foreach (double wd in WeightDecays)
        {
            if (!(wd >= 0) || double.IsInfinity(wd))
                throw new ArgumentOutOfRangeException(nameof(WeightDecays), wd, "every weight decay must be a finite number >= 0.");
        }
        if (!(ValidationFraction > 0 && ValidationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "the validation fraction must be greater than 0 and less than 1.");
        ArgumentOutOfRangeException.ThrowIfLessThan(Iterations, 1, nameof(Iterations));
    }
}
