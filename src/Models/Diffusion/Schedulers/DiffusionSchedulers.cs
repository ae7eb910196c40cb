namespace Pipeline.Models.Diffusion.Schedulers;

/// <summary>
/// Builds the scheduler a diffusers model folder names in <c>scheduler/scheduler_config.json</c>, or another one from
/// the same config the way diffusers' <c>XScheduler.from_config(other.config)</c> does (fields the chosen class knows
/// are taken, the rest keep its defaults). That is how the DDIM baseline runs with an LCM model folder.
/// </summary>
public static class DiffusionSchedulers
{
    /// <summary>The diffusers class names understood, with the short names accepted for <c>use</c>.</summary>
    public static IReadOnlyDictionary<string, string> ClassNames { get; } = new Dictionary<string, string>
    {
        ["LCMScheduler"] = "lcm",
        ["DDIMScheduler"] = "ddim",
    };

    /// <summary>Reads <paramref name="schedulerConfigPath"/> and builds the scheduler.</summary>
    /// <param name="schedulerConfigPath">A diffusers <c>scheduler_config.json</c>.</param>
    /// <param name="use"><c>lcm</c> or <c>ddim</c> to choose the scheduler (case-insensitive); null for the config's <c>_class_name</c>.</param>
    /// <exception cref="InvalidDataException">The config is malformed, names an unknown class (when <paramref name="use"/> is null), or asks for an unsupported value; the message names the field.</exception>
    /// <exception cref="ArgumentException"><paramref name="use"/> is neither <c>lcm</c> nor <c>ddim</c>.</exception>
    public static IDiffusionScheduler FromConfigFile(string schedulerConfigPath, string? use = null)
    {
        var reader = SchedulerConfigReader.FromFile(schedulerConfigPath);
        string kind;
        if (use is null)
        {
            var className = reader.ClassName;
            if (className is null || !ClassNames.TryGetValue(className, out var shortName))
            {
                throw new InvalidDataException(
                    $"scheduler config '{schedulerConfigPath}': field '_class_name' = '{className ?? "(absent)"}' is not supported; expected LCMScheduler or DDIMScheduler (or choose one with --scheduler lcm|ddim)");
            }
            kind = shortName;
        }
        else
        {
            kind = use.Trim().ToLowerInvariant();
        }
        return kind switch
        {
            "lcm" => new LcmScheduler(LcmSchedulerConfig.From(reader)),
            "ddim" => new DdimScheduler(DdimSchedulerConfig.From(reader)),
            _ => throw new ArgumentException($"scheduler '{use}' is not known: use 'lcm' or 'ddim'", nameof(use)),
        };
    }
}
