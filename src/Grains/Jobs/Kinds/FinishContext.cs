using Pipeline.Contracts.Jobs;
using Pipeline.Storage;
using Pipeline.Storage.Commit;

namespace Pipeline.Grains.Jobs.Kinds;

/// <summary>What a kind's closing step gets: the job, its output store, and the manifest just written.</summary>
public sealed record FinishContext(string JobId, JobSpec Spec, IObjectStore Output, JobManifest Manifest);
