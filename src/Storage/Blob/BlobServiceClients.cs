using System.Collections.Concurrent;
using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace Pipeline.Storage;

/// <summary>
/// The <see cref="BlobServiceClient"/>s of a process, thread-safe, one per account: the configured account
/// (<see cref="StorageOptions.ConnectionString"/> or <see cref="StorageOptions.ServiceUri"/>) and, for https locations
/// in other accounts, one client per account signed with <c>DefaultAzureCredential</c>.
/// </summary>
public sealed class BlobServiceClients
{
    private readonly StorageOptions options;
    private readonly Lazy<BlobServiceClient?> configured;
    private readonly Lazy<TokenCredential> credential;
    private readonly ConcurrentDictionary<string, BlobServiceClient> others = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates the clients lazily from the validated options.</summary>
    public BlobServiceClients(IOptions<StorageOptions> options)
        : this(options.Value, null)
    {
    }

    /// <summary>Creates the clients lazily; <paramref name="credential"/> replaces DefaultAzureCredential when given.</summary>
    public BlobServiceClients(StorageOptions options, TokenCredential? credential)
    {
        this.options = options;
        this.credential = new Lazy<TokenCredential>(() => credential ?? new DefaultAzureCredential());
        configured = new Lazy<BlobServiceClient?>(CreateConfigured);
    }

    /// <summary>Whether an account is configured (a connection string or a service URI).</summary>
    public bool HasConfiguredAccount => configured.Value is not null;

    /// <summary>The configured account's client.</summary>
    /// <exception cref="InvalidOperationException">No account is configured.</exception>
    public BlobServiceClient Configured => configured.Value ?? throw new InvalidOperationException(
        $"No blob storage account is configured: set {StorageOptions.SectionName}:ConnectionString (environment " +
        "Pipeline__Storage__ConnectionString) or ServiceUri, or use a local folder or an https:// URL location.");

    /// <summary>
    /// The client for <paramref name="accountUri"/>: the configured account when null or equal to it; otherwise a
    /// DefaultAzureCredential client for an https account.
    /// </summary>
    /// <exception cref="InvalidOperationException">The account needs credentials that cannot be had (plain http).</exception>
    public BlobServiceClient ForAccount(Uri? accountUri)
    {
        if (accountUri is null)
        {
            return Configured;
        }

        if (configured.Value is { } own && StorageLocation.SameAccount(own.Uri, accountUri))
        {
            return own;
        }

        if (accountUri.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidOperationException(
                $"The account '{accountUri}' is not the configured one and uses plain http, where Entra ID tokens cannot " +
                $"be sent. Configure it as {StorageOptions.SectionName}:ConnectionString (e.g. Azurite's), or use https.");
        }

        return others.GetOrAdd(accountUri.AbsoluteUri, uri => new BlobServiceClient(new Uri(uri), credential.Value, ClientOptions()));
    }

    /// <summary>
    /// Client options of every blob client made here. The SDK's own retries are off: the Polly pipelines retry whole
    /// calls, and two retry layers would multiply attempts and delays.
    /// </summary>
    public static BlobClientOptions ClientOptions()
    {
        var clientOptions = new BlobClientOptions();
        clientOptions.Retry.MaxRetries = 0;
        return clientOptions;
    }

    private BlobServiceClient? CreateConfigured()
    {
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return new BlobServiceClient(options.ConnectionString, ClientOptions());
        }

        return options.ServiceUri is { } serviceUri
            ? new BlobServiceClient(serviceUri, credential.Value, ClientOptions())
            : null;
    }
}
