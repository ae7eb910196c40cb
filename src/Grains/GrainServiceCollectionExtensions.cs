using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pipeline.Grains.Embed;
using Pipeline.Grains.Generate;
using Pipeline.Grains.Index;
using Pipeline.Grains.Jobs;
using Pipeline.Grains.Jobs.Kinds;
using Pipeline.Grains.Workers;

namespace Pipeline.Grains;

/// <summary>Registers what the grains and the silo's workers need.</summary>
public static class GrainServiceCollectionExtensions
{
    /// <summary>The job machinery and every job kind this silo knows.</summary>
    public static IServiceCollection AddPipelineJobs(this IServiceCollection services)
    {
        services.AddOptions<JobOptions>().BindConfiguration(JobOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<JobOutputs>();
        services.AddSingleton<JobKinds>();
        services.AddEmbedJobs();
        services.AddIndexJobs();
        services.AddGenerateJobs();
        services.AddSchedules();
        return services;
    }

    /// <summary>
    /// The silo's workers: as many as <see cref="WorkerOptions.Slots"/> says when the silo starts (none by default), each
    /// with its own runners (one model in memory per slot).
    /// </summary>
    public static IServiceCollection AddPipelineWorkers(this IServiceCollection services)
    {
        services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<TaskExecutor>();
        services.AddHostedService<WorkerPool>();
        return services;
    }
}
