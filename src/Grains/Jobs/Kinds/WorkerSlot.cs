namespace Pipeline.Grains.Jobs.Kinds;

/// <summary>One worker of a silo: its number, id, and device (<c>cpu</c>, or <c>cuda</c> with its index).</summary>
public sealed record WorkerSlot(int Index, string WorkerId, string DeviceKind, int? DeviceIndex)
{
    /// <summary>The TorchSharp device string this slot runs on: <c>cpu</c> or <c>cuda:N</c>.</summary>
    public string TorchDevice => DeviceKind == "cuda" ? $"cuda:{DeviceIndex ?? 0}" : "cpu";
}
