using System.Diagnostics;
using System.Net.Sockets;
using Pipeline.Storage.Azurite;

namespace Pipeline.Storage.Tests.Azurite;

[Collection(AzuriteCollection.Name)]
public sealed class AzuriteServerTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task TheSharedServer_AnswersOnLoopback_WithAllThreeEndpointsInItsConnectionString()
    {
        var server = azurite.Server;

        Assert.Equal(3, new[] { server.BlobPort, server.QueuePort, server.TablePort }.Distinct().Count());
        Assert.Contains($"BlobEndpoint=http://127.0.0.1:{server.BlobPort}/devstoreaccount1;", server.ConnectionString, StringComparison.Ordinal);
        Assert.Contains($"QueueEndpoint=http://127.0.0.1:{server.QueuePort}/devstoreaccount1;", server.ConnectionString, StringComparison.Ordinal);
        Assert.Contains($"TableEndpoint=http://127.0.0.1:{server.TablePort}/devstoreaccount1;", server.ConnectionString, StringComparison.Ordinal);
        var properties = await azurite.Client.GetPropertiesAsync();
        Assert.NotNull(properties.Value);
        foreach (var port in new[] { server.QueuePort, server.TablePort })
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", port);
        }
    }

    [Fact]
    public async Task Dispose_KillsTheProcess_AndFreesThePort()
    {
        var server = await AzuriteServer.StartAsync(new AzuriteServerOptions { ExtentMemoryLimitMb = 64 });
        var pid = server.ProcessId;
        var port = server.BlobPort;

        await server.DisposeAsync();

        Assert.True(HasExited(pid), $"expected Azurite (pid {pid}) to have exited after dispose");
        using var tcp = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => tcp.ConnectAsync("127.0.0.1", port));
    }

    [Fact]
    public async Task AMissingPackage_SaysToRunNpmCi()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            AzuriteServer.StartAsync(new AzuriteServerOptions { ScriptPath = "/nonexistent/azurite.js" }));

        Assert.Contains("run: npm ci --prefix infra/azurite", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingNode_SaysToInstallItAndRunNpmCi()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            AzuriteServer.StartAsync(new AzuriteServerOptions { NodePath = "/nonexistent/bin/node" }));

        Assert.Contains("Node.js", error.Message, StringComparison.Ordinal);
        Assert.Contains("run: npm ci --prefix infra/azurite", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AScriptThatNeverServes_FailsWithItsOutput()
    {
        using var folder = new TempFolder();
        var script = Path.Join(folder.Path, "azurite.js");
        await File.WriteAllTextAsync(script, "console.error('listen EADDRNOTAVAIL (simulated)'); process.exit(3);");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            AzuriteServer.StartAsync(new AzuriteServerOptions { ScriptPath = script, StartupTimeout = TimeSpan.FromSeconds(10) }));

        Assert.Contains("exited with code 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("EADDRNOTAVAIL (simulated)", error.Message, StringComparison.Ordinal);
    }

    private static bool HasExited(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
