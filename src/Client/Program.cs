using System.CommandLine;
using Pipeline.Client.Commands;

var root = new RootCommand("pipeline: embeddings, kNN indices and image generation over Orleans")
{
    EmbedCommand.Create(),
    StatusCommand.Create(),
    ModelsCommand.Create(),
    DemoCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
