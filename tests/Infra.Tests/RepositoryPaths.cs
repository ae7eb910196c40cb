namespace Pipeline.Infra.Tests;

/// <summary>Paths in the repository the tests run from (found upwards from the test assembly).</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding <c>Pipeline.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

    public static string K8s => Path.Combine(Root, "infra", "k8s");

    public static string Container => Path.Combine(Root, "infra", "container");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No Pipeline.sln above {AppContext.BaseDirectory}");
    }
}
