using TorchSharp;

namespace Pipeline.Models.Checkpoints;

/// <summary>
/// Strict state-dict loading, like PyTorch's <c>load_state_dict(strict=True)</c> plus a shape check: every
/// parameter and persistent buffer of the module must be present with the same shape, and nothing else may be.
/// </summary>
public static class StateDictLoader
{
    /// <summary>How many keys of each kind an error message lists before it says "and N more".</summary>
    public const int MaxKeysListed = 25;

    /// <summary>
    /// Checks <paramref name="state"/> against the module's state dict, then copies every value into the module's
    /// own tensors (converting dtype and device to the module's) under <c>torch.no_grad()</c>. Nothing is copied
    /// when the check fails. The caller keeps ownership of <paramref name="state"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">Missing, unexpected or mis-shaped keys; the message names them all (up to <see cref="MaxKeysListed"/> per kind).</exception>
    public static void LoadStrict(torch.nn.Module module, IReadOnlyDictionary<string, torch.Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(state);
        var targets = module.state_dict();
        Check(module, targets, state.ToDictionary(kv => kv.Key, kv => kv.Value.shape), "checkpoint");
        using (torch.no_grad())
        {
            foreach (var (key, target) in targets)
            {
                // In TorchSharp 0.107 in-place ops return the very same Tensor object: never dispose the result.
                target.copy_(state[key]);
            }
        }
    }

    /// <summary>
    /// The same check against the checkpoint's headers (no tensor data is read for it), then reads, copies and
    /// disposes one tensor at a time (straight into the module's own storage where dtype and layout allow), so peak
    /// memory is the module plus at most its largest tensor.
    /// </summary>
    /// <exception cref="InvalidDataException">Missing, unexpected or mis-shaped keys, or a malformed checkpoint.</exception>
    public static void LoadStrict(torch.nn.Module module, Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(checkpoint);
        var targets = module.state_dict();
        Check(module, targets, checkpoint.Names.ToDictionary(n => n, n => checkpoint.GetInfo(n).Shape), $"checkpoint '{checkpoint.Path}'");
        using (torch.no_grad())
        {
            foreach (var (key, target) in targets)
            {
                checkpoint.CopyTo(key, target);
            }
        }
    }

    internal static void Check(torch.nn.Module module, Dictionary<string, torch.Tensor> targets, Dictionary<string, long[]> shapes, string what)
    {
        var missing = targets.Keys.Where(k => !shapes.ContainsKey(k)).ToList();
        var unexpected = shapes.Keys.Where(k => !targets.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        var misShaped = new List<string>();
        foreach (var (key, target) in targets)
        {
            if (shapes.TryGetValue(key, out var shape) && !shape.SequenceEqual(target.shape))
            {
                misShaped.Add($"{key} (module {SafeTensorsHeader.Describe(target.shape)}, checkpoint {SafeTensorsHeader.Describe(shape)})");
            }
        }
        if (missing.Count + unexpected.Count + misShaped.Count == 0)
        {
            return;
        }
        var parts = new List<string>();
        if (missing.Count > 0)
        {
            parts.Add($"{missing.Count} missing key(s): {List(missing)}");
        }
        if (unexpected.Count > 0)
        {
            parts.Add($"{unexpected.Count} unexpected key(s): {List(unexpected)}");
        }
        if (misShaped.Count > 0)
        {
            parts.Add($"{misShaped.Count} shape mismatch(es): {List(misShaped)}");
        }
        throw new InvalidDataException(
            $"{what} does not match module {module.GetName()} ({targets.Count} keys expected, {shapes.Count} given): {string.Join("; ", parts)}");
    }

    private static string List(IReadOnlyList<string> keys) =>
        keys.Count <= MaxKeysListed
            ? string.Join(", ", keys)
            : string.Join(", ", keys.Take(MaxKeysListed)) + $", ... and {keys.Count - MaxKeysListed} more";
}
