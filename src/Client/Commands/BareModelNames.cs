using Pipeline.Models.Registry;

namespace Pipeline.Client.Commands;

/// <summary>The bare timm architecture names (<c>convnext_tiny</c>) users may pass to <c>--model</c>, each with timm's default tag for it.</summary>
public static class BareModelNames
{
    public static IReadOnlyList<(string Bare, string Tag)> DefaultTags() =>
        ModelRegistry.Architectures.Select(a => (a.Name, a.Default.Name)).ToList();
}
