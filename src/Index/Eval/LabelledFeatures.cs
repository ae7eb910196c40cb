namespace Pipeline.Index.Eval;

/// <summary>Frozen features with class indices: row i of <see cref="Features"/> has class <see cref="Labels"/>[i].</summary>
public sealed partial class LabelledFeatures
{
    /// <summary>Wraps (does not copy) <paramref name="features"/>, row-major [labels.Length, <paramref name="dimension"/>].</summary>
    /// <exception cref="ArgumentException">The shapes disagree, there are no rows, or a label is negative.</exception>
    public LabelledFeatures(float[] features, int dimension, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (labels.Length == 0)
            throw new ArgumentException("no rows: an evaluation set needs at least one labelled feature.", nameof(labels));
        if (features.Length != (long)labels.Length * dimension)
            throw new ArgumentException($"{features.Length} feature values are not {labels.Length} rows of dimension {dimension}.", nameof(features));
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0)
                throw new ArgumentException($"row {i} has class {labels[i]}; classes are numbered from 0.", nameof(labels));
        }
        Features = features;
        Dimension = dimension;
        Labels = labels;
    }

    /// <summary>Row-major [<see cref="Rows"/>, <see cref="Dimension"/>].</summary>
    public float[] Features { get; }

    /// <summary>Values per row.</summary>
    public int Dimension { get; }

    /// <summary>Class index of each row.</summary>
    public int[] Labels { get; }

    /// <summary>Number of rows.</summary>
    public int Rows => Labels.Length;

    /// <summary>Checks that every label is below <paramref name="classes"/>.</summary>
    internal void ValidateClasses(int classes, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        for (int i = 0; i < Labels.Length; i++)
        {
            if (Labels[i] >= classes)
                throw new ArgumentException($"row {i} of the {name} set has class {Labels[i]}, but there are {classes} classes (0..{classes - 1}).", name);
        }
    }

    /// <summary>A copy holding <paramref name="rows"/> of this set, in that order.</summary>
    internal LabelledFeatures Select(int[] rows)
    {
        var features = new float[checked(rows.Length * Dimension)];
        var labels = new int[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            Features.AsSpan(rows[i] * Dimension, Dimension).CopyTo(features.AsSpan(i * Dimension, Dimension));
            labels[i] = Labels[rows[i]];
        }
        return new LabelledFeatures(features, Dimension, labels);
    }
}
