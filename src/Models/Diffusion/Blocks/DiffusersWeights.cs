namespace Pipeline.Models.Diffusion.Blocks;

/// <summary>
/// Finds the weights of a diffusers model folder (<c>unet/</c>, <c>vae/</c>): the float32
/// <c>diffusion_pytorch_model.safetensors</c> (or its sharded index) first, then the <c>.fp16</c> variant when that
/// is the only one. Loading converts any stored float dtype to the module's float32.
/// </summary>
internal static class DiffusersWeights
{
    /// <summary>Candidate file names, in order of preference.</summary>
    public static readonly IReadOnlyList<string> FileNames =
    [
        "diffusion_pytorch_model.safetensors",
        "diffusion_pytorch_model.safetensors.index.json",
        "diffusion_pytorch_model.fp16.safetensors",
        "diffusion_pytorch_model.fp16.safetensors.index.json",
    ];

    /// <summary>The weights file of <paramref name="folder"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">None of <see cref="FileNames"/> is there.</exception>
    public static string Find(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"diffusers model folder '{folder}' does not exist");
        }
        foreach (var name in FileNames)
        {
            var path = Path.Combine(folder, name);
            if (File.Exists(path))
            {
                return path;
            }
        }
        throw new FileNotFoundException($"diffusers model folder '{folder}' holds none of {string.Join(", ", FileNames)}");
    }

    /// <summary>The <c>config.json</c> of <paramref name="folder"/>.</summary>
    public static string Config(string folder)
    {
        var path = Path.Combine(folder, "config.json");
        return File.Exists(path) ? path : throw new FileNotFoundException($"diffusers model folder '{folder}' has no config.json", path);
    }
}
