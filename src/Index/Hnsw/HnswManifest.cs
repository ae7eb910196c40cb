using System.Buffers.Binary;
using Pipeline.Index.Exact;

namespace Pipeline.Index.Hnsw;

/// <summary>
/// The small file <see cref="HnswShardIndex.Save"/> writes at the given path; the USearch files of the sub-graphs lie
/// beside it as <c>{path}.part{i}</c>. It records what the native files do not (our metric, storage, parameters,
/// input row count) and each part's length and checksum, so a truncated or damaged part is refused before the native
/// library maps it (the native view trusts the offsets it reads). Little-endian, hand-written: it is a few dozen bytes
/// and has to be read without trusting it.
/// </summary>
internal sealed record HnswManifest(int Dimension, IndexMetric Metric, IndexStorage Storage, HnswParameters Parameters,
    long InputRows, IReadOnlyList<HnswPartEntry> Parts)
{
    private static ReadOnlySpan<byte> Magic => "PLHNSW\r\n"u8;
    private const int Version = 1;
    private const int FixedBytes = 8 + 4 * 7 + 8 + 4;  // magic, version..expansionSearch, inputRows, part count
    private const int PartBytes = 24;
    private const int MaxParts = 4096;

    /// <summary>Path of part <paramref name="part"/> of the index saved at <paramref name="manifestPath"/>.</summary>
    public static string PartPath(string manifestPath, int part) => $"{manifestPath}.part{part}";

    public byte[] ToBytes()
    {
        var bytes = new byte[FixedBytes + PartBytes * Parts.Count + 8];
        var s = bytes.AsSpan();
        Magic.CopyTo(s);
        int o = 8;
        foreach (int v in new[] { Version, Dimension, (int)Metric, (int)Storage, Parameters.Connectivity, Parameters.ExpansionAdd, Parameters.ExpansionSearch })
        {
            BinaryPrimitives.WriteInt32LittleEndian(s[o..], v);
            o += 4;
        }
        BinaryPrimitives.WriteInt64LittleEndian(s[o..], InputRows);
        BinaryPrimitives.WriteInt32LittleEndian(s[(o + 8)..], Parts.Count);
        o += 12;
        foreach (var part in Parts)
        {
            BinaryPrimitives.WriteInt64LittleEndian(s[o..], part.Rows);
            BinaryPrimitives.WriteInt64LittleEndian(s[(o + 8)..], part.Bytes);
            BinaryPrimitives.WriteUInt64LittleEndian(s[(o + 16)..], part.Checksum);
            o += PartBytes;
        }
        BinaryPrimitives.WriteUInt64LittleEndian(s[o..], Checksum64.Of(s[..o]));
        return bytes;
    }

    /// <exception cref="InvalidDataException">Not a manifest of this version, truncated, or damaged; the message names <paramref name="path"/>.</exception>
    public static HnswManifest Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        InvalidDataException Bad(string why) => new($"{path} is not a valid HNSW index manifest: {why}.");
        if (bytes.Length < FixedBytes + 8 || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
            throw Bad($"{(bytes.Length < 8 ? "too short" : "wrong magic bytes")} ({bytes.Length} bytes)");
        var s = bytes.AsSpan();
        int I32(int at) => BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
        if (I32(8) != Version)
            throw Bad($"format version {I32(8)}, this build reads {Version}");
        int parts = I32(FixedBytes - 4);
        if (parts < 1 || parts > MaxParts || bytes.Length != FixedBytes + PartBytes * parts + 8)
            throw Bad($"{parts} parts do not match its length of {bytes.Length} bytes (truncated?)");
        int end = bytes.Length - 8;
        if (BinaryPrimitives.ReadUInt64LittleEndian(s[end..]) != Checksum64.Of(s[..end]))
            throw Bad("checksum mismatch (damaged)");
        int dimension = I32(12), metric = I32(16), storage = I32(20);
        if (dimension < 1 || !Enum.IsDefined((IndexMetric)metric) || !Enum.IsDefined((IndexStorage)storage))
            throw Bad($"dimension {dimension}, metric {metric}, storage {storage} out of range");
        var parameters = new HnswParameters(I32(24), I32(28), I32(32));
        long inputRows = BinaryPrimitives.ReadInt64LittleEndian(s[36..]);
        var entries = new HnswPartEntry[parts];
        for (int p = 0; p < parts; p++)
        {
            int o = FixedBytes + PartBytes * p;
            entries[p] = new HnswPartEntry(BinaryPrimitives.ReadInt64LittleEndian(s[o..]),
                BinaryPrimitives.ReadInt64LittleEndian(s[(o + 8)..]), BinaryPrimitives.ReadUInt64LittleEndian(s[(o + 16)..]));
        }
        return new HnswManifest(dimension, (IndexMetric)metric, (IndexStorage)storage, parameters, inputRows, entries);
    }
}
