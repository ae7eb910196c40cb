using Pipeline.Client.Hosting;

namespace Pipeline.Silo.Tests.Client;

/// <summary>Embedded silos in one process (as parallel tests run them) never fail on a port another one took.</summary>
public sealed class PipelineRuntimeTests
{
    [Fact]
    public async Task ParallelEmbeddedRuntimesStartWithoutAddressInUse()
    {
        for (var round = 1; round <= 2; round++)
        {
            var starts = Enumerable.Range(0, 4).Select(_ => PipelineRuntime.StartAsync(usesBlobPaths: false, CancellationToken.None)).ToList();
            var failures = new List<string>();
            var runtimes = new List<PipelineRuntime>();
            foreach (var start in starts)
            {
                try
                {
                    runtimes.Add(await start);
                }
                catch (Exception e)
                {
                    failures.Add(e.ToString());
                }
            }

            try
            {
                Assert.True(failures.Count == 0, $"round {round}: expected 4 embedded runtimes to start; {failures.Count} failed:\n{string.Join("\n\n", failures)}");
                Assert.All(runtimes, r => Assert.True(r.Embedded, "expected embedded mode (no cluster configured in the test environment)"));
            }
            finally
            {
                await Task.WhenAll(runtimes.Select(r => r.DisposeAsync().AsTask()));
            }
        }
    }
}
