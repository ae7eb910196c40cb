namespace Pipeline.Grains.Embed;

/// <summary>
/// Collects the patch tokens of one patch grid as batches come back (in any order) and lays them out in listing
/// order at the end.
/// </summary>
public sealed class PatchBuffer(int floatsPerImage)
{
    private readonly List<(int Order, float[] Tokens)> rows = [];

    /// <summary>Keeps a copy of one image's tokens (<c>floatsPerImage</c> floats) for listing position <paramref name="order"/>.</summary>
    public void Append(int order, ReadOnlySpan<float> tokens)
    {
        if (tokens.Length != floatsPerImage)
        {
            throw new ArgumentException($"expected {floatsPerImage} floats of patch tokens, seen {tokens.Length}", nameof(tokens));
        }
        rows.Add((order, tokens.ToArray()));
    }

    /// <summary>The group, rows sorted by listing position; <paramref name="located"/> is told each (order, group row).</summary>
    public PatchTokenGroup ToGroup(int gridHeight, int gridWidth, int dim, Action<int, int> located)
    {
        ArgumentNullException.ThrowIfNull(located);
        rows.Sort((a, b) => a.Order.CompareTo(b.Order));
        var tokens = new float[rows.Count * floatsPerImage];
        for (var i = 0; i < rows.Count; i++)
        {
            rows[i].Tokens.CopyTo(tokens.AsSpan(i * floatsPerImage));
            located(rows[i].Order, i);
        }
        return new PatchTokenGroup(gridHeight, gridWidth, rows.Count, dim, tokens);
    }
}
