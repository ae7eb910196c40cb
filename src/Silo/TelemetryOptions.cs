using System.ComponentModel.DataAnnotations;

namespace Pipeline.Silo;

/// <summary>What a silo exposes for monitoring, on 127.0.0.1 only. Section "Pipeline:Telemetry".</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Pipeline:Telemetry";

    /// <summary>The meters exported to Prometheus: the grains', Polly's resilience pipelines' and Orleans' (both of its meter names).</summary>
    public static readonly IReadOnlyList<string> Meters = ["Pipeline", "Polly", "Microsoft.Orleans", "Orleans"];

    /// <summary>Orleans Dashboard on http://127.0.0.1:&lt;port&gt;/; 0 = off.</summary>
    [Range(0, 65535)]
    public int DashboardPort { get; set; }

    /// <summary>Prometheus scrape endpoint on http://127.0.0.1:&lt;port&gt;/metrics; 0 = off.</summary>
    [Range(0, 65535)]
    public int PrometheusPort { get; set; }

    /// <summary>The address both endpoints listen on.</summary>
    [Required]
    public string Address { get; set; } = "127.0.0.1";
}
