namespace Pipeline.Storage.Commit;

/// <summary>
/// One attempt of one shard (DESIGN.md, "How an embed job flows", step 5). The attempt stages its files under
/// attempt-scoped keys (<see cref="OutputLayout.Staged"/>), then <see cref="CommitAsync"/> races for the write-once
/// marker: the winner's files are published under their final names; a loser deletes its staged files and makes sure
/// the winner is published. Staging the same final key twice replaces the first copy. Not meant for concurrent
/// <see cref="CommitAsync"/> calls on one instance; concurrent <see cref="StageAsync(string, Stream, CancellationToken)"/>
/// calls of different keys are fine.
/// </summary>
public sealed class ShardCommit
{
    private readonly IObjectStore output;
    private readonly List<string> staged = [];

    /// <summary>Starts attempt <paramref name="attemptId"/> (unique per attempt, e.g. a ULID) of <paramref name="shard"/>.</summary>
    public ShardCommit(IObjectStore output, int shard, string attemptId)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        OutputLayout.ValidateAttemptId(attemptId);
        this.output = output;
        Shard = shard;
        AttemptId = attemptId;
    }

    public int Shard { get; }

    public string AttemptId { get; }

    /// <summary>The final keys staged so far, in the order they were first staged.</summary>
    public IReadOnlyList<string> StagedFiles
    {
        get
        {
            lock (staged)
            {
                return staged.ToArray();
            }
        }
    }

    /// <summary>Writes the rest of <paramref name="content"/> as this attempt's copy of <paramref name="finalKey"/>.</summary>
    public async Task StageAsync(string finalKey, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        await output.WriteAsync(StagedKey(finalKey), content, cancellationToken);
        Remember(finalKey);
    }

    /// <summary>Writes <paramref name="content"/> as this attempt's copy of <paramref name="finalKey"/>.</summary>
    public async Task StageAsync(string finalKey, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        await output.WriteAsync(StagedKey(finalKey), content, cancellationToken);
        Remember(finalKey);
    }

    /// <summary>
    /// Creates the shard's marker from <paramref name="marker"/> with <see cref="ShardMarker.Attempt"/> and
    /// <see cref="ShardMarker.Files"/> set to this attempt's, only if no marker exists. Won: publishes the staged files.
    /// Lost: deletes this attempt's staged files, publishes the winner's (idempotent) and returns the winner's marker.
    /// </summary>
    public async Task<CommitResult> CommitAsync(ShardMarker marker, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(marker);
        if (marker.Shard != Shard)
        {
            throw new ArgumentException($"The marker is for shard {marker.Shard}, this attempt commits shard {Shard}.", nameof(marker));
        }

        var mine = marker with { Attempt = AttemptId, Files = StagedFiles };
        if (await output.TryCreateAsync(OutputLayout.Marker(Shard), OutputJson.Serialize(mine), cancellationToken))
        {
            await ShardPublisher.PublishAsync(output, mine, cancellationToken);
            return new CommitResult(true, mine);
        }

        var winner = await ShardMarkers.ReadAsync(output, Shard, cancellationToken) ?? throw new InvalidOperationException(
            $"Shard {Shard}: creating the marker reported that it exists, but it cannot be read in {output.Location}.");
        var won = winner.Attempt == AttemptId;
        if (!won)
        {
            await DeleteStagedAsync(cancellationToken);
        }

        await ShardPublisher.PublishAsync(output, winner, cancellationToken);
        return new CommitResult(won, winner);
    }

    /// <summary>
    /// Deletes this attempt's staged files: the attempt failed, lost its lease or lost the commit. When the shard's
    /// marker names this attempt (a <see cref="CommitAsync"/> that created it and then failed), the files are the shard's:
    /// they are published instead of deleted.
    /// </summary>
    public async Task AbandonAsync(CancellationToken cancellationToken = default)
    {
        if (await ShardMarkers.ReadAsync(output, Shard, cancellationToken) is { } marker && marker.Attempt == AttemptId)
        {
            await ShardPublisher.PublishAsync(output, marker, cancellationToken);
            return;
        }

        await DeleteStagedAsync(cancellationToken);
    }

    private async Task DeleteStagedAsync(CancellationToken cancellationToken)
    {
        foreach (var finalKey in StagedFiles)
        {
            await output.DeleteAsync(StagedKey(finalKey), cancellationToken);
        }
    }

    private string StagedKey(string finalKey)
    {
        ObjectKeys.Validate(finalKey, nameof(finalKey));
        if (finalKey.StartsWith(OutputLayout.AttemptsFolder, StringComparison.Ordinal)
            || finalKey.StartsWith(OutputLayout.MarkerFolder, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"'{finalKey}' is not an output file key: {OutputLayout.AttemptsFolder} and {OutputLayout.MarkerFolder} belong to the commit protocol.",
                nameof(finalKey));
        }

        return OutputLayout.Staged(Shard, AttemptId, finalKey);
    }

    private void Remember(string finalKey)
    {
        lock (staged)
        {
            if (!staged.Contains(finalKey, StringComparer.Ordinal))
            {
                staged.Add(finalKey);
            }
        }
    }
}
