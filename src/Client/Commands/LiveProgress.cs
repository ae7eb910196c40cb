using Spectre.Console;
using Pipeline.Contracts.Jobs;

namespace Pipeline.Client.Commands;

/// <summary>
/// Progress in a terminal: one Spectre.Console bar over the job's items, captioned with its state (or "planning..."
/// while tasks are still being found), tasks done / running / failed, items per second and ETA.
/// </summary>
public static class LiveProgress
{
    public static async Task<JobStatus> FollowAsync(Func<CancellationToken, Task<JobStatus>> poll, TimeSpan interval,
        CancellationToken cancellationToken)
    {
        JobStatus? final = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 24 }, new PercentageColumn())
            .StartAsync(async context =>
            {
                var bar = context.AddTask("starting...", maxValue: 1);
                bar.IsIndeterminate = true;
                final = await JobWaiter.WaitAsync(poll, interval, status => Update(bar, status), cancellationToken);
                bar.StopTask();
                context.Refresh();
            });
        return final!;
    }

    private static void Update(ProgressTask bar, JobStatus status)
    {
        // Markup: a job id or state never carries '[', but escape anyway, as a literal bracket throws at run time.
        bar.Description = Markup.Escape(StatusText.Caption(status));
        bar.IsIndeterminate = status.TotalItems == 0 && !status.IsFinal;
        bar.MaxValue = Math.Max(1, status.TotalItems);
        bar.Value = status.DoneItems + status.FailedItems;
    }
}
