namespace Pipeline.Grains.Jobs;

/// <summary>Read access to a bitmap of task numbers (bit i of byte i/8), as checkpoints store done and superseded tasks.</summary>
public readonly struct TaskBitmap(byte[] bits)
{
    public bool this[int task] => task >= 0 && (task >> 3) < bits.Length && (bits[task >> 3] & (1 << (task & 7))) != 0;

    public static byte[] Of(IEnumerable<int> tasks, int count)
    {
        var bits = new byte[(count + 7) / 8];
        foreach (var t in tasks) bits[t >> 3] |= (byte)(1 << (t & 7));
        return bits;
    }
}
