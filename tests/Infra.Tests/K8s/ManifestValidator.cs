using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Pipeline.Infra.Tests.K8s;

/// <summary>
/// Runs <c>infra/k8s/validate/validate.mjs</c> (Kubernetes OpenAPI schemas from kubernetes-models, strict fields),
/// installing it with <c>npm ci</c> first when its node_modules are missing (as test.sh does for infra/azurite).
/// One per test run: xunit shares it through <see cref="ManifestValidatorCollection"/>.
/// </summary>
public sealed class ManifestValidator
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public ManifestValidator()
    {
        var tool = Path.Combine(ToolFolder, "node_modules", "kubernetes-models", "package.json");
        if (!File.Exists(tool) || !File.Exists(Path.Combine(ToolFolder, "node_modules", "yaml", "package.json")))
        {
            var install = Run("npm", ["ci", "--prefix", ToolFolder, "--no-audit", "--no-fund"]);
            if (install.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci --prefix {ToolFolder} failed ({install.ExitCode}):\n{install.Stdout}{install.Stderr}");
            }
        }
    }

    public static string ToolFolder => Path.Combine(RepositoryPaths.K8s, "validate");

    /// <summary>Validates files, kustomizations or folders; the exit code and the human-readable report.</summary>
    public (int ExitCode, string Output) Validate(params string[] paths)
    {
        var (exitCode, stdout, stderr) = Run("node", [Path.Combine(ToolFolder, "validate.mjs"), .. paths]);
        return (exitCode, stdout + stderr);
    }

    /// <summary>Validates and returns the JSON report: <c>ok</c>, <c>tools</c>, <c>documents</c> (each with its parsed <c>object</c>).</summary>
    public JsonObject Report(params string[] paths)
    {
        var (exitCode, stdout, stderr) = Run("node", [Path.Combine(ToolFolder, "validate.mjs"), "--json", .. paths]);
        return (stdout.Length > 0 ? JsonNode.Parse(stdout) : null) as JsonObject
            ?? throw new InvalidOperationException($"validate.mjs --json printed no object (exit {exitCode}):\n{stdout}{stderr}");
    }

    private static (int ExitCode, string Stdout, string Stderr) Run(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryPaths.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} ran past {Timeout}");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
