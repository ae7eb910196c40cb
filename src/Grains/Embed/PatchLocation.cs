namespace Pipeline.Grains.Embed;

/// <summary>Where one embedding row's patch tokens are: the group of its patch grid, and its row in that group.</summary>
public readonly record struct PatchLocation(int GridHeight, int GridWidth, int GroupRow);
