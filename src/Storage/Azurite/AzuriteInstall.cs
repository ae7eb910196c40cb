namespace Pipeline.Storage.Azurite;

/// <summary>Finds node and the repository's Azurite package (<c>infra/azurite</c>, installed with npm ci).</summary>
internal static class AzuriteInstall
{
    public const string InstallHint = "run: npm ci --prefix infra/azurite";
    public const string ScriptEnvironmentVariable = "PIPELINE_AZURITE_JS";
    public const string NodeEnvironmentVariable = "PIPELINE_NODE";
    private const string NodeModules = "infra/azurite/node_modules";
    private const string ScriptInPackage = "azurite/dist/src/azurite.js";

    /// <summary>The azurite.js to run.</summary>
    /// <exception cref="InvalidOperationException">It is not there; the message says how to install it.</exception>
    public static string FindScript(string? explicitPath)
    {
        var configured = explicitPath ?? Environment.GetEnvironmentVariable(ScriptEnvironmentVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured)
                ? Path.GetFullPath(configured)
                : throw new InvalidOperationException($"Azurite script '{configured}' does not exist; {InstallHint} (or fix {ScriptEnvironmentVariable}).");
        }

        var modules = FindNodeModules();
        var script = modules is null ? null : Path.Join(modules, ScriptInPackage);
        return script is not null && File.Exists(script)
            ? script
            : throw new InvalidOperationException(
                $"Azurite is not installed: no {NodeModules}/{ScriptInPackage} above '{AppContext.BaseDirectory}' or " +
                $"'{Directory.GetCurrentDirectory()}'. From the repository root, {InstallHint}");
    }

    /// <summary><c>infra/azurite/node_modules</c> of the enclosing repository, or null.</summary>
    public static string? FindNodeModules()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Join(dir.FullName, NodeModules);
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>The node executable to run.</summary>
    /// <exception cref="InvalidOperationException">Node is not installed.</exception>
    public static string FindNode(string? explicitPath)
    {
        var configured = explicitPath ?? Environment.GetEnvironmentVariable(NodeEnvironmentVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            if (File.Exists(configured))
            {
                return configured;
            }

            if (configured.Contains('/'))
            {
                throw new InvalidOperationException($"Node executable '{configured}' does not exist. Install Node.js 20+, then {InstallHint}");
            }
        }

        var name = string.IsNullOrEmpty(configured) ? "node" : configured;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Join(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"Node.js ('{name}') was not found on PATH; Azurite runs on it. Install Node.js 20+, then {InstallHint}");
    }
}
