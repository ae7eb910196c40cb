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
        var missing = targets.Keys.Where(k => !state.ContainsKey(k)).ToList();
        var unexpected = state.Keys.Where(k => !targets.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        var misShaped = new List<string>();
        foreach (var (key, target) in targets)
        {
            if (state.TryGetValue(key, out var source) && !source.shape.SequenceEqual(target.shape))
            {
                misShaped.Add($"{key} (module {SafeTensorsHeader.Describe(target.shape)}, checkpoint {SafeTensorsHeader.Describe(source.shape)})");
            }
        }
        if (missing.Count + unexpected.Count + misShaped.Count > 0)
        {
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
                $"state dict does not match module {module.GetName()} ({targets.Count} keys expected, {state.Count} given): {string.Join("; ", parts)}");
        }
        using (torch.no_grad())
        {
            foreach (var (key, target) in targets)
            {
                // In TorchSharp 0.107 in-place ops return the very same Tensor object: never dispose the result.
                target.copy_(state[key]);
            }
        }
    }

    private static string List(IReadOnlyList<string> keys) =>
        keys.Count <= MaxKeysListed
            ? string.Join(", ", keys)
            : string.Join(", ", keys.Take(MaxKeysListed)) + $", ... and {keys.Count - MaxKeysListed} more";
}
