using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Contracts.Jobs;
using Pipeline.Grains.Jobs;

namespace Pipeline.Grains.Workers;

/// <summary>
/// One worker slot of a silo: asks the queue for jobs with work, leases a shard, runs it while renewing the lease,
/// reports the outcome, and leases the next. Runs on its own thread, never on the grain scheduler.
/// </summary>
public sealed class EmbedWorker(IGrainFactory grains, ShardRunner runner, IOptions<WorkerOptions> options,
    TimeProvider time, ILogger<EmbedWorker> logger) : BackgroundService
{
    private readonly string workerId = $"{Environment.MachineName}/{Guid.NewGuid().ToString("N")[..8]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            bool worked = false;
            try
            {
                worked = await TryRunOneShardAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "worker {Worker}: looking for work failed", workerId);
            }
            if (!worked) await Task.Delay(options.Value.IdlePollInterval, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task<bool> TryRunOneShardAsync(CancellationToken stoppingToken)
    {
        var jobs = await grains.GetGrain<IJobQueueGrain>(JobQueueKeys.Default).GetActiveJobsAsync(stoppingToken);
        foreach (var jobId in jobs)
        {
            var job = grains.GetGrain<IJobGrain>(jobId);
            var lease = await job.LeaseShardAsync(workerId, stoppingToken);
            if (lease is null) continue;
            await RunLeasedAsync(job, lease, stoppingToken);
            return true;
        }
        return false;
    }

    private async Task RunLeasedAsync(IJobGrain job, ShardLease lease, CancellationToken stoppingToken)
    {
        using var run = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var heartbeat = RenewWhileRunningAsync(job, lease, run);
        try
        {
            var outcome = await runner.RunAsync(lease, workerId, run.Token);
            await job.CompleteShardAsync(lease.Shard, lease.LeaseId, outcome, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw; // the silo stops: the lease expires and another worker reruns the shard
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("job {JobId} shard {Shard}: lease lost, abandoning the attempt", lease.JobId, lease.Shard);
        }
        catch (Exception e)
        {
            logger.LogError(e, "job {JobId} shard {Shard}: attempt {Attempt} failed", lease.JobId, lease.Shard, lease.Attempt);
            await job.FailShardAsync(lease.Shard, lease.LeaseId, $"{e.GetType().Name}: {e.Message}", stoppingToken);
        }
        finally
        {
            await run.CancelAsync();
            await heartbeat;
        }
    }

    private async Task RenewWhileRunningAsync(IJobGrain job, ShardLease lease, CancellationTokenSource run)
    {
        var period = (lease.ExpiresAt - time.GetUtcNow()) / 3;
        if (period <= TimeSpan.Zero) period = TimeSpan.FromSeconds(1);
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(run.Token))
            {
                if (!await job.RenewLeaseAsync(lease.Shard, lease.LeaseId, run.Token))
                {
                    await run.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the run finished or was cancelled
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "job {JobId} shard {Shard}: lease renewal failed", lease.JobId, lease.Shard);
        }
    }
}
