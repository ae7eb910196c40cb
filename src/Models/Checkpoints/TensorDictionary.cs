using TorchSharp;

namespace Pipeline.Models.Checkpoints;

/// <summary>Reads named tensors into a dictionary, disposing what was read when one read fails.</summary>
internal static class TensorDictionary
{
    public static Dictionary<string, torch.Tensor> ReadAll(IEnumerable<string> names, Func<string, torch.Tensor> read)
    {
        var result = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var name in names)
            {
                result.Add(name, read(name));
            }
            return result;
        }
        catch
        {
            foreach (var tensor in result.Values)
            {
                tensor.Dispose();
            }
            throw;
        }
    }
}
