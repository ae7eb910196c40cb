using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Pipeline.Storage;

namespace Pipeline.Bench;

/// <summary>
/// The files the peer kit (PyTorch, faiss and hnswlib; its parts 3 and 4) leaves behind: the vectors, queries and exact ground truth
/// in .npy, and its results JSON, so both sides are measured on the very same data and compared in one report.
/// </summary>
public sealed record HnswPeerData(float[] Base, int BaseRows, float[] Queries, int QueryRows, int Dimension, long[] TruthHnsw, long[] TruthExact, int TruthK)
{
    /// <summary>Reads xb.npy, xq.npy, gt_100k.npy and gt_200k.npy from <paramref name="folder"/>.</summary>
    public static HnswPeerData Load(string folder)
    {
        var (xb, xbShape) = ReadFloat(Path.Combine(folder, "xb.npy"));
        var (xq, xqShape) = ReadFloat(Path.Combine(folder, "xq.npy"));
        var (gt100, gtShape) = ReadInt64(Path.Combine(folder, "gt_100k.npy"));
        var (gt200, _) = ReadInt64(Path.Combine(folder, "gt_200k.npy"));
        if (xbShape[1] != xqShape[1] || gtShape[0] != xqShape[0])
            throw new InvalidDataException($"peer files in {folder} do not agree: xb {xbShape[0]}x{xbShape[1]}, xq {xqShape[0]}x{xqShape[1]}, gt {gtShape[0]}x{gtShape[1]}");
        return new HnswPeerData(xb, xbShape[0], xq, xqShape[0], xbShape[1], gt100, gt200, gtShape[1]);
    }

    private static (float[] Data, int[] Shape) ReadFloat(string path)
    {
        using var stream = File.OpenRead(path);
        var (data, shape, _) = NpyReader.Read(stream);
        return (data, shape);
    }

    /// <summary>
    /// Reads a C-order little-endian int64 matrix. Hand-written because the project's NpyReader reads floats only; it
    /// accepts just what numpy.save writes for the peer's ground truth.
    /// </summary>
    private static (long[] Data, int[] Shape) ReadInt64(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw new InvalidDataException($"{path} is not an .npy file");
        int headerLength = bytes[6] == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)) : (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        int offset = bytes[6] == 1 ? 10 : 12;
        string header = Encoding.ASCII.GetString(bytes, offset, headerLength);
        if (!header.Contains("'<i8'", StringComparison.Ordinal) || header.Contains("'fortran_order': True", StringComparison.Ordinal))
            throw new InvalidDataException($"{path}: expected a C-order <i8 array, header {header.Trim()}");
        string shapeText = header[(header.IndexOf('(') + 1)..header.IndexOf(')')];
        int[] shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        var data = new long[shape.Aggregate(1L, (a, b) => a * b)];
        var body = bytes.AsSpan(offset + headerLength);
        for (int i = 0; i < data.Length; i++)
            data[i] = BinaryPrimitives.ReadInt64LittleEndian(body[(8 * i)..]);
        return (data, shape);
    }

    /// <summary>The peer's latest results file under <paramref name="folder"/> (PEER_OUT), or null.</summary>
    public static JsonElement? PeerResults(string folder, string profile = "tuned")
    {
        if (!Directory.Exists(folder))
            return null;
        var latest = Directory.GetFiles(folder, "results-*.json").OrderBy(f => f, StringComparer.Ordinal).LastOrDefault();
        if (latest is null)
            return null;
        using var doc = JsonDocument.Parse(File.ReadAllBytes(latest));
        return doc.RootElement.TryGetProperty("runs", out var runs) && runs.TryGetProperty(profile, out var run) && run.TryGetProperty("parts", out var parts)
            ? parts.Clone()
            : null;
    }
}
