using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Pipeline.Grains.Jobs;
using Pipeline.Grains.Workers;

namespace Pipeline.Grains;

/// <summary>Registers what the grains and the silo's workers need.</summary>
public static class GrainServiceCollectionExtensions
{
    public static IServiceCollection AddPipelineJobs(this IServiceCollection services)
    {
        services.AddOptions<JobOptions>().BindConfiguration(JobOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ModelFetcher>();
        services.AddSingleton<ModelSpecChecker>();
        services.AddSingleton<JobPlanner>();
        services.AddSingleton<JobFinalizer>();
        return services;
    }

    /// <summary>
    /// One <see cref="EmbedWorker"/> per configured slot, each with its own model cache (one model in memory per slot).
    /// </summary>
    public static IServiceCollection AddPipelineWorkers(this IServiceCollection services, int slots)
    {
        services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<ShardCommitter>();
        for (int slot = 0; slot < slots; slot++)
        {
            services.AddSingleton<IHostedService>(sp =>
            {
                var cache = ActivatorUtilities.CreateInstance<EmbedderCache>(sp);
                var runner = ActivatorUtilities.CreateInstance<ShardRunner>(sp, cache);
                return ActivatorUtilities.CreateInstance<EmbedWorker>(sp, runner);
            });
        }
        return services;
    }
}
