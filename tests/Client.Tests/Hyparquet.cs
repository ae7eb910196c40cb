using System.Text.Json.Nodes;

namespace Pipeline.Client.Tests;

/// <summary>Reads parquet outputs with hyparquet (node), a reader independent of Parquet.Net, as JSON rows.</summary>
public static class Hyparquet
{
    public static async Task<JsonArray> RowsAsync(string file)
    {
        var start = new System.Diagnostics.ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Shared", "read_parquet.mjs"));
        start.ArgumentList.Add(Path.Combine(RepositoryRoot(), "infra", "azurite", "node_modules"));
        start.ArgumentList.Add(file);
        using var node = System.Diagnostics.Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var error = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        Assert.True(node.ExitCode == 0, $"hyparquet failed: {await error}");
        return JsonNode.Parse(await output)!["rows"]!.AsArray();
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no Pipeline.sln above {AppContext.BaseDirectory}");
    }
}
