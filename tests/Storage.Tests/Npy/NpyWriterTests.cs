using System.Text;

namespace Pipeline.Storage.Tests.Npy;

public sealed class NpyWriterTests
{
    private static readonly float[] Matrix = Enumerable.Range(0, 12).Select(i => (i - 5.5f) / 8).ToArray();

    [Fact]
    public void Float16Header_IsExactlyNumpys_AndDataStartsAt128()
    {
        var bytes = Write(Matrix, 3, 4, NpyDType.Float16);

        const string dict = "{'descr': '<f2', 'fortran_order': False, 'shape': (3, 4), }";
        var expected = new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 118, 0 }
            .Concat(Encoding.ASCII.GetBytes(dict + new string(' ', 118 - dict.Length - 1) + "\n"))
            .ToArray();
        Assert.Equal(expected, bytes[..128]);
        Assert.Equal(128 + (12 * 2), bytes.Length);
        Assert.Equal(new byte[] { 0x80, 0xB9 }, bytes[128..130]); // -5.5 / 8 = -0.6875 is IEEE half 0xB980, little-endian
    }

    [Theory]
    [InlineData("numpy_f16_3x4.npy", NpyDType.Float16)]
    [InlineData("numpy_f32_3x4.npy", NpyDType.Float32)]
    public void Output_IsByteIdenticalToNumpySave(string fixture, NpyDType dtype)
    {
        var numpy = File.ReadAllBytes(Path.Join(AppContext.BaseDirectory, "Fixtures", "npy", fixture));

        var ours = Write(Matrix, 3, 4, dtype);

        Assert.Equal(numpy, ours);
    }

    [Fact]
    public void OneDimensionalShapes_UseAPythonOneTuple()
    {
        float[] values = [0.1f, -2.5f, 65504f, 1e-3f, 3.14159f];
        using var stream = new MemoryStream();

        NpyWriter.Write(stream, values, [5], NpyDType.Float32);

        Assert.Equal(File.ReadAllBytes(Path.Join(AppContext.BaseDirectory, "Fixtures", "npy", "numpy_f32_5.npy")), stream.ToArray());
    }

    [Theory]
    [InlineData(NpyDType.Float16)]
    [InlineData(NpyDType.Float32)]
    public void RoundTrip_ThroughTheReader_KeepsShapeDtypeAndValues(NpyDType dtype)
    {
        var random = new Random(7);
        var data = Enumerable.Range(0, 2 * 5 * 7).Select(_ => (float)(random.NextDouble() * 20 - 10)).ToArray();
        using var stream = new MemoryStream();

        NpyWriter.Write(stream, data, [2, 5, 7], dtype);
        stream.Position = 0;
        var (read, shape, readType) = NpyReader.Read(stream);

        Assert.Equal([2, 5, 7], shape);
        Assert.Equal(dtype, readType);
        var expected = dtype == NpyDType.Float16 ? data.Select(v => (float)(Half)v).ToArray() : data;
        Assert.Equal(expected, read);
        Assert.Equal(0, (stream.Length - (data.Length * (dtype == NpyDType.Float16 ? 2 : 4))) % 64);
    }

    [Fact]
    public void Float16_RoundsToNearest_AndOverflowsToInfinity()
    {
        var (read, _, _) = NpyReader.Read(new MemoryStream(Write([0.1f, 70000f, -1e-8f], 1, 3, NpyDType.Float16)));

        Assert.Equal([0.099975586f, float.PositiveInfinity, -0f], read);
    }

    [Fact]
    public void ZeroRows_GiveAValidEmptyArray()
    {
        var bytes = Write([], 0, 384, NpyDType.Float16);

        var (read, shape, _) = NpyReader.Read(new MemoryStream(bytes));

        Assert.Empty(read);
        Assert.Equal([0, 384], shape);
        Assert.Equal(128, bytes.Length);
    }

    [Fact]
    public void AShapeThatDoesNotMatchTheData_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => Write(new float[10], 3, 4, NpyDType.Float32));

        Assert.Contains("holds 12 elements but 10 were given", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Write(float[] data, int rows, int cols, NpyDType dtype)
    {
        using var stream = new MemoryStream();
        NpyWriter.Write(stream, data, rows, cols, dtype);
        return stream.ToArray();
    }
}
