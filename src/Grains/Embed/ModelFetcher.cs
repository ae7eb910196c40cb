using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Pipeline.Grains.Workers;
using Pipeline.Storage;

namespace Pipeline.Grains.Embed;

/// <summary>
/// Makes a <c>--model</c> folder or <c>--weights</c> file given as a blob path local, by downloading it once into the
/// model cache (keyed by the location). Local paths and registry names pass through unchanged.
/// </summary>
public sealed class ModelFetcher(IObjectStoreFactory stores, IOptions<WorkerOptions> options)
{
    private readonly SemaphoreSlim gate = new(1, 1);

    public async Task<string> FetchFolderAsync(string model, CancellationToken cancellationToken)
    {
        if (!IsRemote(model)) return model;
        var store = stores.Open(StorageLocation.Parse(model));
        var target = CachePath(model);
        await DownloadOnceAsync(target, async () =>
        {
            int files = 0;
            await foreach (var entry in store.ListAsync("", cancellationToken))
            {
                await DownloadAsync(store, entry.Key, Path.Combine(target, entry.Key), cancellationToken);
                files++;
            }
            if (files == 0) throw new DirectoryNotFoundException($"model folder {model} is empty or does not exist");
        });
        return target;
    }

    public async Task<string?> FetchFileAsync(string? weights, CancellationToken cancellationToken)
    {
        if (weights is null || !IsRemote(weights)) return weights;
        var location = StorageLocation.Parse(weights);
        var name = Path.GetFileName(location.Prefix.TrimEnd('/'));
        var parent = stores.Open(StorageLocation.Parse(weights[..^name.Length]));
        var target = CachePath(weights);
        await DownloadOnceAsync(target, () => DownloadAsync(parent, name, Path.Combine(target, name), cancellationToken));
        return Path.Combine(target, name);
    }

    public static bool IsRemote(string path) =>
        path.StartsWith("az://", StringComparison.OrdinalIgnoreCase) ||
        path.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ||
        path.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    private string CachePath(string location) =>
        Path.Combine(options.Value.ModelCacheDirectory,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(location)))[..16]);

    private async Task DownloadOnceAsync(string target, Func<Task> download)
    {
        var done = Path.Combine(target, ".complete");
        await gate.WaitAsync();
        try
        {
            if (File.Exists(done)) return;
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
            Directory.CreateDirectory(target);
            await download();
            await File.WriteAllTextAsync(done, DateTimeOffset.UtcNow.ToString("O"));
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task DownloadAsync(IObjectStore store, string key, string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var source = await store.OpenReadAsync(key, cancellationToken);
        await using var file = File.Create(path);
        await source.CopyToAsync(file, cancellationToken);
    }
}
