namespace Pipeline.Models.Checkpoints;

/// <summary>
/// One tensor entry of a safetensors header. <paramref name="Begin"/> and <paramref name="End"/> are byte offsets
/// relative to the first byte after the header (the data region), as in the file.
/// </summary>
public sealed record SafeTensorInfo(string Name, SafeTensorDType DType, long[] Shape, long Begin, long End)
{
    /// <summary>Number of elements (1 for a 0-dim tensor).</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (var dim in Shape)
            {
                count *= dim;
            }
            return count;
        }
    }

    /// <summary>Bytes in the data region, <c>End - Begin</c>.</summary>
    public long ByteLength => End - Begin;
}
