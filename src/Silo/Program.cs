using Microsoft.Extensions.Hosting;
using Pipeline.Silo;

// A Pipeline silo process: `pipeline-silo` with Pipeline__Cluster__Mode=AzureTable (and a connection string) joins a cluster.
if (NativeMemoryTuning.RelaunchIfUntuned(args) is { } exitCode) return exitCode;
var builder = Host.CreateApplicationBuilder(args);
builder.UseOrleans(silo => silo.AddPipelineSilo(builder.Configuration));
await builder.Build().RunAsync();
return 0;
