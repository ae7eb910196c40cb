namespace Pipeline.Grains.Jobs.Kinds;

/// <summary>
/// One task as planning found it: the payload its runner reads back (written to <c>_plan/shard_&lt;n&gt;.txt</c>), and
/// how many items (images, prompts) it holds, for progress; -1 when unknown until it runs (a <c>.tar</c>).
/// </summary>
public sealed record PlannedTask(byte[] Payload, long Items);
