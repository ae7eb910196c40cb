using System.Diagnostics;
using Pipeline.Storage.Tests.Azurite;
using Polly.Registry;
using Xunit.Abstractions;

namespace Pipeline.Storage.Tests.Commit;

/// <summary>
/// A seeded sample of the schedules <see cref="LocalShardCommitInterleavingTests"/> enumerates, on Azurite: the same
/// checks where copy, conditional create and delete are blob operations.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobShardCommitInterleavingTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private static readonly ResiliencePipelineProvider<string> Pipelines = TestPipelines.Create(new StorageOptions());

    [Theory]
    [InlineData(false, 12)]
    [InlineData(true, 24)]
    public async Task SampledSchedules_PublishExactlyTheFilesOfTheAttemptTheMarkerNames(bool crashes, int schedules)
    {
        var container = AzuriteFixture.NewContainerName();
        var stopwatch = Stopwatch.StartNew();
        for (var seed = 0; seed < schedules; seed++)
        {
            var location = new StorageLocation(StorageKind.AzureBlob, container, $"schedule-{seed}", null, null);
            var store = new BlobObjectStore(azurite.Client.GetBlobContainerClient(container), location, Pipelines);
            await CommitScenario.RunAsync(store, new RandomChooser(seed), crashes, interleavePrivateSteps: true);
        }

        output.WriteLine($"{schedules} seeded schedules (crashes: {crashes}) in {stopwatch.Elapsed.TotalSeconds:F1} s");
    }
}
