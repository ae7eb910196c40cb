using System.ComponentModel.DataAnnotations;

namespace Pipeline.Grains.Workers;

/// <summary>Worker settings of a silo. Section "Pipeline:Workers".</summary>
public sealed class WorkerOptions
{
    public const string Section = "Pipeline:Workers";

    /// <summary>Workers on this silo: one per GPU, or CPU slots. 0 (the default) = a silo that only orchestrates.</summary>
    [Range(0, 64)]
    public int Slots { get; set; }

    /// <summary><c>cpu</c>, or <c>cuda</c>: worker i then runs on <c>cuda:i</c> (one worker per GPU).</summary>
    [RegularExpression("^(cpu|cuda)$")]
    public string Device { get; set; } = "cpu";

    /// <summary>How long a worker keeps the list of active jobs before asking the queue again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan JobListCacheTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Wait between looks for work when the queue is empty.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan IdlePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Concurrent downloads per shard.</summary>
    [Range(1, 256)]
    public int DownloadConcurrency { get; set; } = 16;

    /// <summary>Threads that decode and preprocess images; 0 = one per core.</summary>
    [Range(0, 256)]
    public int DecodeThreads { get; set; }

    /// <summary>
    /// Decode while the model runs: null = only on GPU workers. On CPU both compete for the same cores and the forward
    /// pass slows down more than decoding gains (see <see cref="DecodeSlots"/>).
    /// </summary>
    public bool? OverlapDecodeWithForward { get; set; }

    /// <summary>Threads libtorch uses for the forward pass; 0 = one per core.</summary>
    [Range(0, 256)]
    public int TorchThreads { get; set; }

    /// <summary>Images larger than this many pixels are refused as decompression bombs.</summary>
    [Range(1, long.MaxValue)]
    public long MaxImagePixels { get; set; } = 178_956_970;

    /// <summary>Where models and weights given as blob paths are downloaded to.</summary>
    public string ModelCacheDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "pipeline-models");
}
