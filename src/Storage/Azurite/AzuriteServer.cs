using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pipeline.Storage.Azurite;

/// <summary>
/// An Azurite process (blob, queue and table emulators, in memory) on free loopback ports, for tests and the CLI's
/// embedded mode. <see cref="StartAsync(CancellationToken)"/> returns once the blob endpoint answers; disposing kills
/// the process tree, and with it all stored data.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The development account's published key (not a secret: every Azurite has it).</summary>
    public const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const int MaxStartAttempts = 3;
    private const int MaxLogChars = 16_384;
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(100);

    private readonly Process process;
    private readonly StringBuilder log;
    private int disposed;

    private AzuriteServer(Process process, StringBuilder log, int blobPort, int queuePort, int tablePort)
    {
        this.process = process;
        this.log = log;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
    }

    /// <summary>The blob service port on 127.0.0.1.</summary>
    public int BlobPort { get; }

    /// <summary>The queue service port on 127.0.0.1.</summary>
    public int QueuePort { get; }

    /// <summary>The table service port on 127.0.0.1.</summary>
    public int TablePort { get; }

    /// <summary>The blob endpoint, path-style: <c>http://127.0.0.1:&lt;port&gt;/devstoreaccount1</c>.</summary>
    public Uri BlobEndpoint => Endpoint(BlobPort);

    /// <summary>A connection string with the blob, queue and table endpoints and the development account key.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint={Endpoint(BlobPort)};QueueEndpoint={Endpoint(QueuePort)};TableEndpoint={Endpoint(TablePort)};";

    /// <summary>The process id of node running Azurite.</summary>
    public int ProcessId => process.Id;

    /// <summary>Starts Azurite with default options.</summary>
    public static Task<AzuriteServer> StartAsync(CancellationToken ct = default) => StartAsync(new AzuriteServerOptions(), ct);

    /// <summary>Starts Azurite and waits until its blob endpoint answers.</summary>
    /// <exception cref="InvalidOperationException">
    /// Node or the package is missing (the message says <c>run: npm ci --prefix infra/azurite</c>), or Azurite never
    /// answered (the message carries its output).
    /// </exception>
    public static async Task<AzuriteServer> StartAsync(AzuriteServerOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var script = AzuriteInstall.FindScript(options.ScriptPath);
        var node = AzuriteInstall.FindNode(options.NodePath);
        for (var attempt = 1; ; attempt++)
        {
            // Ports are free when picked but only reserved once Azurite binds them; a lost race shows as EADDRINUSE.
            var ports = FreeLoopbackPorts(3);
            var log = new StringBuilder();
            var process = Launch(node, script, ports, options.ExtentMemoryLimitMb, log);
            var server = new AzuriteServer(process, log, ports[0], ports[1], ports[2]);
            string failure;
            try
            {
                failure = await WaitUntilReadyAsync(server, options.StartupTimeout, ct);
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }

            if (failure.Length == 0)
            {
                return server;
            }

            var output = server.Output;
            await server.DisposeAsync();
            if (attempt < MaxStartAttempts && output.Contains("EADDRINUSE", StringComparison.Ordinal))
            {
                continue;
            }

            throw new InvalidOperationException(
                $"Azurite ({script}) {failure}. If the package is broken, {AzuriteInstall.InstallHint}. Its output:\n{output}");
        }
    }

    /// <summary>What Azurite printed so far (the last 16 KB of stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (log)
            {
                return log.ToString();
            }
        }
    }

    /// <summary>Kills Azurite and everything it started, and waits for it to exit.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        Kill();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // A process that ignores SIGKILL for 10 s is beyond our reach; do not hang the caller's shutdown.
        }

        process.Dispose();
    }

    private static Uri Endpoint(int port) => new($"http://127.0.0.1:{port}/{AccountName}");

    private static Process Launch(string node, string script, int[] ports, int memoryLimitMb, StringBuilder log)
    {
        var info = new ProcessStartInfo(node)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Path.GetDirectoryName(script)!,
        };
        foreach (var arg in new[]
                 {
                     script, "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
                     "--blobPort", $"{ports[0]}", "--queuePort", $"{ports[1]}", "--tablePort", $"{ports[2]}",
                     "--inMemoryPersistence", "--extentMemoryLimit", $"{memoryLimitMb}",
                     "--loose", "--skipApiVersionCheck", "--silent", "--disableTelemetry",
                 })
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        DataReceivedEventHandler append = (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (log)
            {
                log.AppendLine(e.Data);
                if (log.Length > MaxLogChars)
                {
                    log.Remove(0, log.Length - MaxLogChars);
                }
            }
        };
        process.OutputDataReceived += append;
        process.ErrorDataReceived += append;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Polls the blob endpoint until any HTTP answer; returns "" when ready, else what went wrong.</summary>
    private static async Task<string> WaitUntilReadyAsync(AzuriteServer server, TimeSpan timeout, CancellationToken ct)
    {
        // A child process gives no readiness signal with --silent, so probing the port is the only way to know.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var probe = new Uri(server.BlobEndpoint + "?comp=list");
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (server.process.HasExited)
            {
                // HasExited can be true before the output readers saw end of file; WaitForExitAsync waits for both,
                // so the failure carries everything the process printed.
                // Bounded, in case something it started still holds the pipes open.
                using var drain = CancellationTokenSource.CreateLinkedTokenSource(ct);
                drain.CancelAfter(TimeSpan.FromSeconds(5));
                try
                {
                    await server.process.WaitForExitAsync(drain.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                }

                return $"exited with code {server.process.ExitCode} before its blob endpoint answered";
            }

            try
            {
                using var response = await http.GetAsync(probe, ct);
                return "";
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
            {
                await Task.Delay(ProbeInterval, ct);
            }
        }

        return $"did not answer on {server.BlobEndpoint} within {timeout.TotalSeconds:0} s";
    }

    private static int[] FreeLoopbackPorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    private void KillOnExit(object? sender, EventArgs e) => Kill();

    private void Kill()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
    }
}
