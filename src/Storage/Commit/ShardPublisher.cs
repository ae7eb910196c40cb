namespace Pipeline.Storage.Commit;

/// <summary>
/// Publishes a committed shard: copies the staged files of the attempt its marker names over their final names, then
/// deletes the staged copies. Only publishers write final names, and they copy only from the marker, which is
/// write-once, so every final file is always the marker's attempt's, whatever else runs at the same time.
/// </summary>
public static class ShardPublisher
{
    /// <summary>
    /// Publishes <paramref name="marker"/>'s files. Idempotent, and safe to run concurrently with other publishers of
    /// the same marker: a staged copy that another publisher already published and deleted is fine as long as the final
    /// file exists. The job machinery calls this whenever it finds a marker, so a crash between creating a marker and
    /// publishing it is finished by whoever comes next.
    /// </summary>
    /// <exception cref="InvalidDataException">A file the marker names has neither a staged copy nor a final one.</exception>
    public static async Task PublishAsync(IObjectStore output, ShardMarker marker, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(marker);
        foreach (var file in marker.Files)
        {
            try
            {
                await output.CopyAsync(OutputLayout.Staged(marker.Shard, marker.Attempt, file), file, cancellationToken);
            }
            catch (FileNotFoundException e)
            {
                // Another publisher deleted the staged copy, which it does only after every final file exists.
                if (!await output.ExistsAsync(file, cancellationToken))
                {
                    throw new InvalidDataException(
                        $"Shard {marker.Shard}: the marker names '{file}' of attempt '{marker.Attempt}', but neither its staged " +
                        $"copy nor the final file exists in {output.Location}.", e);
                }
            }
        }

        foreach (var file in marker.Files)
        {
            await output.DeleteAsync(OutputLayout.Staged(marker.Shard, marker.Attempt, file), cancellationToken);
        }
    }

    /// <summary>Whether every file <paramref name="marker"/> names exists under its final name and no staged copy is left.</summary>
    public static async Task<bool> IsPublishedAsync(IObjectStore output, ShardMarker marker, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(marker);
        foreach (var file in marker.Files)
        {
            if (!await output.ExistsAsync(file, cancellationToken)
                || await output.ExistsAsync(OutputLayout.Staged(marker.Shard, marker.Attempt, file), cancellationToken))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Deletes everything under <see cref="OutputLayout.AttemptsFolder"/>: the leftovers of attempts that lost, failed
    /// or crashed. Call it at finalisation, after every marked shard is published; staged files of an unpublished
    /// marker would be lost. Returns the number of objects deleted.
    /// </summary>
    public static async Task<int> SweepAttemptsAsync(IObjectStore output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var keys = new List<string>();
        await foreach (var entry in output.ListAsync(OutputLayout.AttemptsFolder, cancellationToken))
        {
            keys.Add(entry.Key);
        }

        foreach (var key in keys)
        {
            await output.DeleteAsync(key, cancellationToken);
        }

        return keys.Count;
    }
}
