namespace Pipeline.Grains.Embed;

/// <summary>Samples of one model input size, ready to go through the model as one batch; each keeps its listing position.</summary>
public sealed record SizeGroup(int Height, int Width, IReadOnlyList<(int Order, PreparedSample Sample)> Samples);
