using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Pipeline.Contracts.Jobs;
using Pipeline.Grains.Jobs.Kinds;

namespace Pipeline.Grains.Workers;

/// <summary>
/// The workers of this silo: <see cref="WorkerOptions.Slots"/> of them (none on a silo that only orchestrates), each
/// on its own long-running task, on GPU silos one per GPU with its device index.
/// </summary>
public sealed class WorkerPool(IServiceProvider services, IOptions<WorkerOptions> options, ILocalSiloDetails silo, ILogger<WorkerPool> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.Slots == 0) return Task.CompletedTask;
        var loops = Enumerable.Range(0, settings.Slots).Select(i =>
        {
            var slot = new WorkerSlot(i, $"{silo.SiloAddress.ToParsableString()}/{i}", settings.Device, settings.Device == "cuda" ? i : null);
            var info = new WorkerInfo { WorkerId = slot.WorkerId, Silo = silo.SiloAddress, DeviceKind = slot.DeviceKind, DeviceIndex = slot.DeviceIndex };
            var worker = ActivatorUtilities.CreateInstance<TaskWorker>(services, slot, info);
            return Task.Factory.StartNew(() => worker.RunAsync(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        }).ToList();
        logger.LogInformation("{Slots} {Device} workers started on {Silo}", settings.Slots, settings.Device, silo.SiloAddress);
        return Task.WhenAll(loops);
    }
}
