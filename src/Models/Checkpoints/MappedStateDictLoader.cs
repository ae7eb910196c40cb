using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using TorchSharp;

namespace Pipeline.Models.Checkpoints;

/// <summary>
/// Strict loading of a checkpoint whose names must first be mapped (renamed, fused, split, reshaped) into the
/// module's, without holding the checkpoint in memory: peak memory is the module plus one layer's mapped tensors.
/// </summary>
/// <remarks>
/// The name map (<c>ArchitectureConfig.ToTimmNames</c>) works on tensors, not names. It is run first on <c>meta</c>
/// tensors of the checkpoint's dtypes and shapes, which allocate nothing: that gives the strict check (missing,
/// unexpected, mis-shaped keys) before any data is read, and tells apart the module keys whose value is a checkpoint
/// tensor passed through unchanged (read straight into the parameter's storage) from those the map computes
/// (a fused qkv, a folded class position). The computed ones are rebuilt per layer (keys grouped by their last
/// numeric segment, e.g. <c>encoder.layer.3</c>): the map is run on real tensors of one group at a time. Grouping is
/// verified on meta tensors first (each group must yield exactly its share of the computed keys, with the full
/// run's shapes); where it cannot be, or the map cannot run on meta tensors, everything is read into memory and
/// mapped at once, as before (about 2x the checkpoint at peak), so loading is never less exact.
/// </remarks>
public static partial class MappedStateDictLoader
{
    /// <summary>
    /// Checks the mapped checkpoint against the module strictly, then copies every value into the module's own
    /// tensors under <c>torch.no_grad()</c>. Nothing is copied when the check fails.
    /// </summary>
    /// <param name="module">The module to fill (any device and dtype; CPU float32 modules are filled in place from the file).</param>
    /// <param name="checkpoint">The checkpoint; stays open and owned by the caller.</param>
    /// <param name="map">Checkpoint names to module names; it must return input tensors it does not change as the same objects.</param>
    /// <param name="ignoreUnexpected">Mapped keys the module lacks that may be dropped (a classifier for a headless module), by key and shape.</param>
    /// <exception cref="InvalidDataException">Missing, unexpected or mis-shaped keys; the message names them.</exception>
    public static void LoadStrict(
        torch.nn.Module module,
        Checkpoint checkpoint,
        Func<IReadOnlyDictionary<string, torch.Tensor>, Dictionary<string, torch.Tensor>> map,
        Func<string, long[], bool>? ignoreUnexpected = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(map);
        var targets = module.state_dict();
        // Frees the meta tensors, every tensor read and whatever the map computes.
        using var scope = torch.NewDisposeScope();
        var meta = checkpoint.Names.ToDictionary(n => n, n => MetaOf(checkpoint.GetInfo(n)), StringComparer.Ordinal);
        Dictionary<string, torch.Tensor> mapped;
        try
        {
            mapped = map(meta);
        }
        catch (ExternalException)
        {
            // An op of the map that has no meta kernel: load the old way, which names the same errors.
            LoadAllAtOnce(module, checkpoint, map, ignoreUnexpected);
            return;
        }
        var dropped = Drop(mapped, targets, ignoreUnexpected);
        StateDictLoader.Check(module, targets, mapped.ToDictionary(kv => kv.Key, kv => kv.Value.shape), $"checkpoint '{checkpoint.Path}'");

        var sourceOf = new Dictionary<torch.Tensor, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, tensor) in meta)
        {
            sourceOf[tensor] = name;
        }
        var direct = new Dictionary<string, string>(StringComparer.Ordinal);
        var computed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in mapped)
        {
            if (sourceOf.TryGetValue(value, out var source))
            {
                direct[key] = source;
            }
            else
            {
                computed.Add(key);
            }
        }
        var groups = computed.Count == 0 ? [] : PlanGroups(meta, mapped, sourceOf, dropped, computed, map);
        if (groups is null)
        {
            LoadAllAtOnce(module, checkpoint, map, ignoreUnexpected);
            return;
        }
        using (torch.no_grad())
        {
            foreach (var (key, source) in direct)
            {
                checkpoint.CopyTo(source, targets[key]);
            }
            foreach (var group in groups)
            {
                using var groupScope = torch.NewDisposeScope();
                var real = group.ToDictionary(n => n, checkpoint.Read, StringComparer.Ordinal);
                foreach (var (key, value) in map(real))
                {
                    if (computed.Contains(key))
                    {
                        // In TorchSharp 0.107 in-place ops return the very same Tensor object: never dispose the result.
                        targets[key].copy_(value);
                    }
                }
            }
        }
    }

    /// <summary>The layer a checkpoint key belongs to: the key up to its last numeric segment ("" for none).</summary>
    internal static string LayerOf(string key)
    {
        var matches = NumericSegment().Matches(key);
        return matches.Count == 0 ? "" : key[..(matches[^1].Index + matches[^1].Length)];
    }

    private static torch.Tensor MetaOf(SafeTensorInfo info) => torch.empty(info.Shape, info.DType.ToScalarType(), device: torch.META);

    private static HashSet<string> Drop(Dictionary<string, torch.Tensor> mapped, Dictionary<string, torch.Tensor> targets, Func<string, long[], bool>? ignoreUnexpected)
    {
        var dropped = new HashSet<string>(StringComparer.Ordinal);
        if (ignoreUnexpected is null)
        {
            return dropped;
        }
        foreach (var key in mapped.Keys.Where(k => !targets.ContainsKey(k)).ToList())
        {
            if (ignoreUnexpected(key, mapped[key].shape))
            {
                mapped.Remove(key);
                dropped.Add(key);
            }
        }
        return dropped;
    }

    /// <summary>
    /// Groups the checkpoint tensors the map consumes by layer and checks on meta tensors that mapping each group
    /// alone yields exactly its computed keys, none passed through, with the full run's shapes; null when not.
    /// </summary>
    private static List<List<string>>? PlanGroups(
        Dictionary<string, torch.Tensor> meta,
        Dictionary<string, torch.Tensor> mapped,
        Dictionary<torch.Tensor, string> sourceOf,
        HashSet<string> dropped,
        HashSet<string> computed,
        Func<IReadOnlyDictionary<string, torch.Tensor>, Dictionary<string, torch.Tensor>> map)
    {
        var referenced = mapped.Values.Where(sourceOf.ContainsKey).Select(t => sourceOf[t]).ToHashSet(StringComparer.Ordinal);
        var groups = meta.Keys.Where(n => !referenced.Contains(n)).GroupBy(LayerOf, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            Dictionary<string, torch.Tensor> output;
            try
            {
                output = map(group.ToDictionary(n => n, n => meta[n], StringComparer.Ordinal));
            }
            catch (Exception e) when (e is ExternalException or InvalidDataException or ArgumentException)
            {
                return null;
            }
            foreach (var (key, value) in output)
            {
                if (dropped.Contains(key))
                {
                    continue;
                }
                if (!computed.Contains(key) || sourceOf.ContainsKey(value) || !covered.Add(key) || !value.shape.SequenceEqual(mapped[key].shape))
                {
                    return null;
                }
            }
        }
        return covered.SetEquals(computed) ? groups : null;
    }

    // The previous way: every tensor in memory beside the module (about 2x the checkpoint at peak).
    private static void LoadAllAtOnce(
        torch.nn.Module module,
        Checkpoint checkpoint,
        Func<IReadOnlyDictionary<string, torch.Tensor>, Dictionary<string, torch.Tensor>> map,
        Func<string, long[], bool>? ignoreUnexpected)
    {
        using var scope = torch.NewDisposeScope();
        var state = map(checkpoint.ReadAll());
        Drop(state, module.state_dict(), ignoreUnexpected);
        StateDictLoader.LoadStrict(module, state);
    }

    [GeneratedRegex(@"(?<=^|\.)\d+(?=\.|$)")]
    private static partial Regex NumericSegment();
}
