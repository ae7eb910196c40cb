using System.ComponentModel.DataAnnotations;
using Azure.Storage.Blobs;

namespace Pipeline.Storage;

/// <summary>
/// Storage settings, section <c>Pipeline:Storage</c> (environment: <c>Pipeline__Storage__ConnectionString</c>), validated
/// on start. Give a connection string (Azurite, account keys) or a service URI (then <c>DefaultAzureCredential</c>
/// signs requests), or neither when only local folders are used. The remaining settings tune the <c>blob-read</c> and
/// <c>blob-write</c> resilience pipelines.
/// </summary>
public sealed class StorageOptions : IValidatableObject
{
    /// <summary>The configuration section bound to these options.</summary>
    public const string SectionName = "Pipeline:Storage";

    /// <summary>An Azure Storage connection string; secret: never logged.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The blob service endpoint (<c>https://&lt;account&gt;.blob.core.windows.net</c>), used with DefaultAzureCredential.</summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>Retries after the first attempt of a storage call that failed transiently.</summary>
    [Range(0, 20)]
    public int MaxRetryAttempts { get; set; } = 5;

    /// <summary>Base delay of the jittered exponential backoff between retries.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Limit of one read attempt (a listing page, a download of a whole object).</summary>
    public TimeSpan ReadAttemptTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Limit of one write attempt (an upload of a whole object).</summary>
    public TimeSpan WriteAttemptTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Limit of one storage call, all retries included.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long the circuit stays open after too many transient failures.</summary>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString) && ServiceUri is not null)
        {
            yield return new ValidationResult(
                $"Set either {SectionName}:ConnectionString or {SectionName}:ServiceUri, not both.",
                [nameof(ConnectionString), nameof(ServiceUri)]);
        }

        if (ServiceUri is not null && (!ServiceUri.IsAbsoluteUri || ServiceUri.Scheme != Uri.UriSchemeHttps))
        {
            yield return new ValidationResult(
                $"{SectionName}:ServiceUri must be an absolute https URL such as https://<account>.blob.core.windows.net (got '{ServiceUri}').",
                [nameof(ServiceUri)]);
        }

        if (!string.IsNullOrWhiteSpace(ConnectionString) && !IsValidConnectionString(ConnectionString))
        {
            // The connection string holds the account key: say what is wrong without echoing it.
            yield return new ValidationResult(
                $"{SectionName}:ConnectionString is not a valid Azure Storage connection string (expected " +
                "'DefaultEndpointsProtocol=...;AccountName=...;AccountKey=...;BlobEndpoint=...' or 'UseDevelopmentStorage=true').",
                [nameof(ConnectionString)]);
        }

        foreach (var (name, value, min) in new[]
                 {
                     (nameof(RetryBaseDelay), RetryBaseDelay, TimeSpan.Zero),
                     (nameof(ReadAttemptTimeout), ReadAttemptTimeout, TimeSpan.FromMilliseconds(10)),
                     (nameof(WriteAttemptTimeout), WriteAttemptTimeout, TimeSpan.FromMilliseconds(10)),
                     (nameof(TotalTimeout), TotalTimeout, TimeSpan.FromMilliseconds(10)),
                     (nameof(CircuitBreakDuration), CircuitBreakDuration, TimeSpan.FromMilliseconds(500)),
                 })
        {
            if (value < min || value > TimeSpan.FromDays(1))
            {
                yield return new ValidationResult(
                    $"{SectionName}:{name} must be between {min} and 1.00:00:00 (got {value}).", [name]);
            }
        }
    }

    private static bool IsValidConnectionString(string connectionString)
    {
        try
        {
            // The SDK's own parser is the reference for what it accepts; constructing a client does no I/O.
            _ = new BlobServiceClient(connectionString);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
