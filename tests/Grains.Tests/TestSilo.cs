using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Grains.Workers;
using Pipeline.Storage;

namespace Pipeline.Grains.Tests;

/// <summary>How the grain tests wire a test silo: the services a real silo has, memory grain storage and reminders unless a test brings its own.</summary>
public static class TestSilo
{
    public static void Configure(ISiloBuilder silo, int workerSlots, bool memoryStorage = true)
    {
        if (memoryStorage)
        {
            silo.AddMemoryGrainStorage(GrainStorageNames.Jobs);
            silo.UseInMemoryReminderService();
        }
        if (Environment.GetEnvironmentVariable("PIPELINE_TEST_LOG") is "1")
            silo.Services.AddLogging(b => b.AddSimpleConsole().SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Information)
                .AddFilter("Orleans", Microsoft.Extensions.Logging.LogLevel.Warning));
        silo.Services.AddPipelineStorage().AddPipelineJobs().AddPipelineWorkers();
        silo.Services.Configure<WorkerOptions>(o =>
        {
            o.Slots = workerSlots;
            o.IdlePollInterval = TimeSpan.FromMilliseconds(50);
            o.JobListCacheTime = TimeSpan.Zero;
        });
    }
}
