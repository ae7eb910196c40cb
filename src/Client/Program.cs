using System.CommandLine;
using Pipeline.Client.Commands;
using Pipeline.Silo;

if (NativeMemoryTuning.RelaunchIfUntuned(args) is { } exitCode) return exitCode;

var root = new RootCommand("pipeline: embeddings, kNN indices and image generation over Orleans")
{
    EmbedCommand.Create(),
    StatusCommand.Create(),
    ModelsCommand.Create(),
    DemoCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
