namespace Pipeline.Index.Eval;

/// <summary>Settings of the weighted k-NN classifier; the defaults are DINOv2's (k = 20, T = 0.07).</summary>
public sealed record KnnClassifierOptions
{
    /// <summary>DINOv2's k.</summary>
    public const int DefaultK = 20;

    /// <summary>DINOv2's temperature.</summary>
    public const double DefaultTemperature = 0.07;

    /// <summary>Neighbours that vote; fewer when the train set is smaller.</summary>
    public int K { get; init; } = DefaultK;

    /// <summary>T in the vote weight exp(similarity / T); smaller T gives the nearest neighbours more say.</summary>
    public double Temperature { get; init; } = DefaultTemperature;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(K, 1, nameof(K));
        if (!(Temperature > 0) || double.IsInfinity(Temperature))
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "the temperature must be a positive number.");
    }
}
