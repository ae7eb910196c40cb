using Pipeline.Client.Commands;
using Pipeline.Silo;

if (NativeMemoryTuning.RelaunchIfUntuned(args) is { } exitCode) return exitCode;
return await PipelineCli.InvokeAsync(args);
