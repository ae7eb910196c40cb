using TorchSharp;

namespace Pipeline.Models.Tests.Diffusion.Lora;

/// <summary>A module that only holds named children, to build module trees with chosen paths (stand-in for the UNet's block classes).</summary>
internal sealed class LoraTestContainer : torch.nn.Module
{
    public LoraTestContainer(string name, params (string Name, torch.nn.Module Module)[] children) : base(name)
    {
        foreach (var (childName, module) in children)
        {
            register_module(childName, module);
        }
    }
}
