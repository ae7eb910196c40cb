using Pipeline.Silo;

// A Pipeline silo process: `pipeline-silo` with Pipeline__Cluster__Mode=AzureTable (and a connection string) joins a cluster.
if (NativeMemoryTuning.RelaunchIfUntuned(args) is { } exitCode) return exitCode;
return await PipelineSiloHost.RunAsync(args);
