namespace Pipeline.Silo.Tests.Support;

/// <summary>Where the repository and the built executables are, seen from the test assembly.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>bin/&lt;Configuration&gt;/&lt;tfm&gt;/&lt;rid&gt; as this test assembly was built.</summary>
    private static string OutputSuffix
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
            var rid = dir.Name;
            var tfm = dir.Parent!.Name;
            var configuration = dir.Parent.Parent!.Name;
            return Path.Combine("bin", configuration, tfm, rid);
        }
    }

    public static string SiloExecutable => Executable("src/Silo", "pipeline-silo");

    public static string CliExecutable => Executable("src/Client", "pipeline");

    public static string ClusterScript => Path.Combine(Root, "infra/local-cluster/cluster.sh");

    private static string Executable(string project, string name)
    {
        var path = Path.Combine(Root, project, OutputSuffix, name);
        if (!File.Exists(path)) Assert.Fail($"expected the built {name} at {path}; build {project} first");
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no Pipeline.sln above {AppContext.BaseDirectory}");
    }
}
