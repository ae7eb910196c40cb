using System.Runtime.InteropServices;

namespace Pipeline.Index.Hnsw;

/// <summary>
/// A fast non-cryptographic 64-bit checksum (four interleaved multiply-xor lanes over 8-byte words, so it runs at
/// memory speed). Written here because the project references no hashing package; it guards against truncation and
/// damage, not tampering.
/// </summary>
internal static class Checksum64
{
    private const ulong Prime = 0x9E3779B97F4A7C15UL; // odd 64-bit golden-ratio constant: multiplication mixes and is invertible

    public static ulong Of(ReadOnlySpan<byte> data)
    {
        var state = new State();
        state.Add(data);
        return state.Finish();
    }

    /// <summary>Checksum of a whole file, read in 1 MiB blocks.</summary>
    public static ulong OfFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var buffer = new byte[1 << 20];
        var state = new State();
        int filled = 0, n;
        while ((n = stream.Read(buffer, filled, buffer.Length - filled)) > 0)
        {
            filled += n;
            if (filled == buffer.Length)
            {
                state.Add(buffer);
                filled = 0;
            }
        }
        state.Add(buffer.AsSpan(0, filled));
        return state.Finish();
    }

    /// <summary>Running state; blocks given to <see cref="Add"/> must be multiples of 32 bytes except the last.</summary>
    private struct State
    {
        private ulong _a, _b, _c, _d, _length;

        public State() => (_a, _b, _c, _d) = (1, 2, 3, 4);

        public void Add(ReadOnlySpan<byte> data)
        {
            _length += (ulong)data.Length;
            var words = MemoryMarshal.Cast<byte, ulong>(data[..(data.Length / 32 * 32)]);
            for (int i = 0; i < words.Length; i += 4)
            {
                _a = (_a ^ words[i]) * Prime;
                _b = (_b ^ words[i + 1]) * Prime;
                _c = (_c ^ words[i + 2]) * Prime;
                _d = (_d ^ words[i + 3]) * Prime;
            }
            foreach (byte x in data[(data.Length / 32 * 32)..])
                _a = (_a ^ x) * Prime;
        }

        public readonly ulong Finish()
        {
            ulong h = _length;
            foreach (ulong lane in new[] { _a, _b, _c, _d })
                h = (h ^ lane ^ (lane >> 29)) * Prime;
            return h ^ (h >> 32);
        }
    }
}
