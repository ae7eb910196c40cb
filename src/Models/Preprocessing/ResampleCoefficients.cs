using System.Collections.Concurrent;
using Pipeline.Models.Registry;

namespace Pipeline.Models.Preprocessing;

/// <summary>
/// Fixed-point filter weights for resampling one axis from <see cref="InSize"/> to <see cref="OutSize"/> samples,
/// computed exactly as Pillow's <c>precompute_coeffs</c> + <c>normalize_coeffs_8bpc</c> (libImaging/Resample.c) do,
/// in double precision and in the same operation order, so the integer weights are bit-identical.
/// </summary>
internal sealed class ResampleCoefficients
{
    /// <summary>Fraction bits of the weights: 8 bits for the result and 2 for overflow leave 22 of 32.</summary>
    public const int PrecisionBits = 32 - 8 - 2;

    /// <summary>Rounding constant the accumulators start from.</summary>
    public const int Half = 1 << (PrecisionBits - 1);

    private const int CacheLimit = 512;
    private static readonly ConcurrentDictionary<(int In, int Out, Interpolation Filter), ResampleCoefficients> Cache = new();

    private ResampleCoefficients(int inSize, int outSize, int kernelSize, int[] first, int[] count, int[] weights)
    {
        InSize = inSize;
        OutSize = outSize;
        KernelSize = kernelSize;
        First = first;
        Count = count;
        Weights = weights;
    }

    public int InSize { get; }

    public int OutSize { get; }

    /// <summary>Stride of <see cref="Weights"/> per output sample (Pillow's <c>ksize</c>).</summary>
    public int KernelSize { get; }

    /// <summary>First input sample used by each output sample (Pillow's <c>xmin</c>).</summary>
    public int[] First { get; }

    /// <summary>Number of input samples used by each output sample (Pillow's <c>xmax</c> after subtracting xmin).</summary>
    public int[] Count { get; }

    /// <summary>Weights, <see cref="KernelSize"/> per output sample, in units of 2^-22.</summary>
    public int[] Weights { get; }

    /// <summary>Coefficients for one axis, shared through a small cache: a corpus repeats a few sizes many times.</summary>
    public static ResampleCoefficients Get(int inSize, int outSize, Interpolation filter)
    {
        var key = (inSize, outSize, filter);
        if (Cache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var computed = Compute(inSize, outSize, filter);
        if (Cache.Count >= CacheLimit)
        {
            // Crude bound: rare in practice (a corpus of thousands of distinct sizes) and cheap to refill.
            Cache.Clear();
        }

        return Cache.GetOrAdd(key, computed);
    }

    /// <summary>Computes the coefficients without the cache (Pillow's box is the whole input: in0 = 0, in1 = inSize).</summary>
    public static ResampleCoefficients Compute(int inSize, int outSize, Interpolation filter)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outSize);
        var filterSupport = filter switch
        {
            Interpolation.Bicubic => 2.0,
            Interpolation.Bilinear => 1.0,
            _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, "Unsupported interpolation."),
        };

        double scale = (double)inSize / outSize;
        double filterScale = scale < 1.0 ? 1.0 : scale;
        double support = filterSupport * filterScale;
        int kernelSize = ((int)Math.Ceiling(support) * 2) + 1;

        var first = new int[outSize];
        var count = new int[outSize];
        var weights = new int[outSize * kernelSize];
        var k = new double[kernelSize];
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = 0.0 + ((xx + 0.5) * scale);
            double ww = 0.0;
            double ss = 1.0 / filterScale;
            int xmin = (int)(center - support + 0.5);
            if (xmin < 0)
            {
                xmin = 0;
            }

            int xmax = (int)(center + support + 0.5);
            if (xmax > inSize)
            {
                xmax = inSize;
            }

            xmax -= xmin;
            for (int x = 0; x < xmax; x++)
            {
                double w = Filter(filter, ((x + xmin) - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }

            for (int x = 0; x < xmax; x++)
            {
                if (ww != 0.0)
                {
                    k[x] /= ww;
                }

                // normalize_coeffs_8bpc: round half away from zero by truncating after adding +-0.5.
                weights[(xx * kernelSize) + x] = k[x] < 0
                    ? (int)(-0.5 + (k[x] * (1 << PrecisionBits)))
                    : (int)(0.5 + (k[x] * (1 << PrecisionBits)));
            }

            first[xx] = xmin;
            count[xx] = xmax;
        }

        return new ResampleCoefficients(inSize, outSize, kernelSize, first, count, weights);
    }

    private static double Filter(Interpolation filter, double x) => filter == Interpolation.Bicubic ? Bicubic(x) : Bilinear(x);

    private static double Bilinear(double x)
    {
        if (x < 0.0)
        {
            x = -x;
        }

        return x < 1.0 ? 1.0 - x : 0.0;
    }

    private static double Bicubic(double x)
    {
        // Keys' cubic convolution with a = -0.5, written in Pillow's operation order.
        const double a = -0.5;
        if (x < 0.0)
        {
            x = -x;
        }

        if (x < 1.0)
        {
            return ((((a + 2.0) * x) - (a + 3.0)) * x * x) + 1;
        }

        if (x < 2.0)
        {
            return ((((x - 5) * x) + 8) * x - 4) * a;
        }

        return 0.0;
    }
}
