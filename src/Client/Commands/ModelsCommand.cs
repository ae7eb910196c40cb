using System.CommandLine;
using System.Globalization;
using Pipeline.Models.Registry;

namespace Pipeline.Client.Commands;

/// <summary><c>pipeline models</c>: every registry name with its family and preprocessing, then the bare timm names and their default tags.</summary>
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
            Console.WriteLine();
            Console.WriteLine("bare timm names (--model <bare name> means its default tag):");
            Console.WriteLine($"{"bare name",-32} default tag");
            foreach (var (bare, tag) in BareModelNames.DefaultTags())
                Console.WriteLine($"{bare,-32} {tag}");
            return ExitCodes.Succeeded;
        });
        return command;
    }
}
