using System.Formats.Tar;
using System.Runtime.CompilerServices;

namespace Pipeline.Storage.Corpus;

/// <summary>Streams the image members out of a WebDataset tar (nothing is extracted to disk).</summary>
public static class TarMembers
{
    /// <summary>
    /// The regular-file members whose names end with an image extension, in archive order; directories, links and
    /// other files are skipped. Works on non-seekable (network) streams: only one member is in memory at a time.
    /// </summary>
    /// <param name="tar">The archive; left open.</param>
    /// <param name="imageExtensions">Extensions with the dot (".jpg"), any case.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="InvalidDataException">
    /// The archive is truncated or corrupt; the members before the damage have been yielded by then.
    /// </exception>
    /// <exception cref="IOException">The stream itself failed (e.g. a connection lost mid-body).</exception>
    public static async IAsyncEnumerable<TarMember> ReadAsync(
        Stream tar, IReadOnlyList<string> imageExtensions, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tar);
        ArgumentNullException.ThrowIfNull(imageExtensions);
        await using var reader = new TarReader(tar, leaveOpen: true);
        while (true)
        {
            TarMember? member;
            try
            {
                var entry = await reader.GetNextEntryAsync(copyData: false, cancellationToken);
                if (entry is null)
                {
                    yield break;
                }

                member = await ReadMemberAsync(entry, imageExtensions, cancellationToken);
            }
            catch (Exception e) when (e is EndOfStreamException or FormatException)
            {
                throw new InvalidDataException($"The tar is truncated or corrupt: {e.Message}", e);
            }

            if (member is not null)
            {
                yield return member;
            }
        }
    }

    private static async Task<TarMember?> ReadMemberAsync(TarEntry entry, IReadOnlyList<string> imageExtensions, CancellationToken cancellationToken)
    {
        if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile)
            || !CorpusExtensions.IsImage(entry.Name, imageExtensions))
        {
            return null;
        }

        if (entry.Length > Array.MaxLength)
        {
            throw new InvalidDataException($"The member '{entry.Name}' is {entry.Length} bytes, too large to read.");
        }

        var bytes = new byte[entry.Length];
        if (entry.DataStream is { } data)
        {
            await data.ReadExactlyAsync(bytes, cancellationToken);
        }
        else if (bytes.Length > 0)
        {
            throw new InvalidDataException($"The member '{entry.Name}' has no data.");
        }

        return new TarMember(entry.Name, bytes);
    }
}
