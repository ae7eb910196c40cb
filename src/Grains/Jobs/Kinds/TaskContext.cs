using Pipeline.Contracts.Jobs;
using Pipeline.Storage;
using Pipeline.Storage.Commit;

namespace Pipeline.Grains.Jobs.Kinds;

/// <summary>One attempt of one task: the lease, the worker slot, the output store, the task's payload and its staging area.</summary>
public sealed record TaskContext(TaskLease Lease, WorkerSlot Slot, IObjectStore Output, byte[] Payload, ShardCommit Commit);
