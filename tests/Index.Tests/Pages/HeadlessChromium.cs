using System.Diagnostics;
using Xunit.Sdk;

namespace Pipeline.Index.Tests.Pages;

/// <summary>
/// Runs Debian's Chromium headless on a local file and returns the DOM after its scripts ran (<c>--dump-dom</c>).
/// Fails, never skips, when Chromium is missing: test.sh installs it, and a silently skipped browser test would let
/// a broken page pass.
/// </summary>
internal static class HeadlessChromium
{
    public const string Executable = "/usr/bin/chromium";

    /// <summary>Chromium's own limit on page time; virtual, so a page with nothing pending ends far sooner.</summary>
    private const int VirtualTimeBudgetMs = 10_000;

    /// <summary>Wall-clock guard against a hung browser; the process tree is killed when it runs out.</summary>
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    /// <summary>The DOM of <paramref name="htmlPath"/> after load; <paramref name="executable"/> is replaceable for the missing-browser test.</summary>
    public static async Task<string> DumpDomAsync(string htmlPath, string executable = Executable)
    {
        if (!File.Exists(executable))
        {
            throw FailException.ForFailure(
                $"{executable} is missing. Run ./test.sh (it installs Debian's chromium package) before these tests.");
        }

        var profile = Path.Combine(Path.GetTempPath(), "pipeline-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        try
        {
            return await RunAsync(executable, htmlPath, profile);
        }
        finally
        {
            // Chromium may still be flushing its profile for a moment after the main process exits.
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<string> RunAsync(string executable, string htmlPath, string profile)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--no-first-run", $"--user-data-dir={profile}", $"--virtual-time-budget={VirtualTimeBudgetMs}", "--dump-dom",
            new Uri(htmlPath).AbsoluteUri,
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw FailException.ForFailure($"Could not start {executable}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(Guard);
        try
        {
            await process.WaitForExitAsync(guard.Token);
            await Task.WhenAll(stdout, stderr).WaitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw FailException.ForFailure(
                $"Chromium did not finish within {Guard.TotalSeconds} s on {htmlPath}; killed its process tree.\n"
                + $"stdout:\n{Tail(await stdout)}\nstderr:\n{Tail(await stderr)}");
        }

        var dom = await stdout;
        if (process.ExitCode != 0 || !dom.Contains("</html>", StringComparison.Ordinal))
        {
            throw FailException.ForFailure(
                $"Chromium exited with {process.ExitCode} on {htmlPath} without a full DOM.\nstdout:\n{Tail(dom)}\nstderr:\n{Tail(await stderr)}");
        }

        return dom;
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : "..." + text[^4000..];
}
