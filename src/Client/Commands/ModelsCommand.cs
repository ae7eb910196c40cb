using System.CommandLine;
using System.Globalization;
using Pipeline.Models.Registry;

namespace Pipeline.Client.Commands;

/// <summary><c>pipeline models</c>: every registry name with its family and preprocessing.</summary>
public static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "List the models Pipeline knows by name");
        command.SetAction(_ =>
        {
            Console.WriteLine($"{"name",-52} {"family",-15} {"input",-8} {"resize",-7} naming");
            foreach (var v in ModelRegistry.All.OrderBy(v => v.Name, StringComparer.Ordinal))
            {
                var p = v.Preprocess;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{v.Name,-52} {v.Architecture.Family,-15} {p.CropHeight + "x" + p.CropWidth,-8} {p.ResizeShortestEdge,-7} {v.Naming}"));
            }
            return 0;
        });
        return command;
    }
}
