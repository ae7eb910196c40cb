namespace Pipeline.Grains.Jobs;

/// <summary>
/// Read access to a set of task numbers as checkpoints store it: every task below <paramref name="below"/>, plus bit
/// i of byte i/8 for task <c>below + i</c>. Tasks are leased lowest first, so the done set is a prefix plus a small
/// window, and a checkpoint stays a few hundred bytes whatever the number of tasks.
/// </summary>
public readonly struct TaskBitmap(byte[] bits, int below = 0)
{
    public bool this[int task] => task >= 0 && (task < below || Bit(bits, task - below));

    public static byte[] Of(IEnumerable<int> tasks, int count)
    {
        var bits = new byte[(count + 7) / 8];
        foreach (var t in tasks) bits[t >> 3] |= (byte)(1 << (t & 7));
        return bits;
    }

    private static bool Bit(byte[] bits, int i) => (i >> 3) < bits.Length && (bits[i >> 3] & (1 << (i & 7))) != 0;
}
