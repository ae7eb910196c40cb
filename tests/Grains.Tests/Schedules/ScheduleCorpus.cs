using Pipeline.Contracts.Jobs;
using Pipeline.Contracts.Schedules;
using Pipeline.Grains.Jobs;
using Pipeline.Grains.Tests.Jobs;
using SkiaSharp;

namespace Pipeline.Grains.Tests.Schedules;

/// <summary>
/// What schedule tests submit: a local folder of a few small images, the tiny ConvNeXt, and an embed template whose
/// output is rendered per tick under a local folder. Removed on dispose.
/// </summary>
public sealed class ScheduleCorpus : IDisposable
{
    private readonly TinyModel model = new();

    public ScheduleCorpus(int images = 3)
    {
        Root = Directory.CreateTempSubdirectory("schedules-").FullName;
        Input = Path.Combine(Root, "corpus");
        Directory.CreateDirectory(Input);
        for (int i = 0; i < images; i++)
            File.WriteAllBytes(Path.Combine(Input, $"{i:D2}.png"), TestImages.Encode(40 + i, 36, new SKColor((byte)(60 * i), 120, 200)));
    }

    public string Root { get; }

    public string Input { get; }

    /// <summary>An embed template writing to <c>&lt;root&gt;/out/{schedule}/{tick}</c>.</summary>
    public EmbedJobSpec Template(string output = "out/{schedule}/{tick}") => new()
    {
        Input = Input, Model = model.Folder, Output = Path.Combine(Root, output), BatchSize = 2, ShardSize = 2,
    };

    public ScheduleSpec Spec(string name, string cron, string zone = "UTC", JobSpec? template = null) =>
        new() { Name = name, Cron = cron, TimeZone = zone, Template = template ?? Template() };

    /// <summary>The ids of the jobs the cluster's queue lists whose id starts with <c>&lt;name&gt;-</c>.</summary>
    public static async Task<List<string>> JobsOfAsync(IGrainFactory grains, string name) =>
        (await grains.GetGrain<IJobQueueGrain>(JobQueueKeys.Default).ListJobsAsync())
        .Select(e => e.JobId).Where(id => id.StartsWith(name + "-", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();

    public void Dispose()
    {
        model.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A job still writing; the temp folder is left for the system to clean.
        }
    }
}
