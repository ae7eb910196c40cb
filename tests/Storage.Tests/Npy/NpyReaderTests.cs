using System.Text;

namespace Pipeline.Storage.Tests.Npy;

public sealed class NpyReaderTests
{
    [Theory]
    [InlineData("numpy_f16_3x4.npy", NpyDType.Float16)]
    [InlineData("numpy_f32_3x4.npy", NpyDType.Float32)]
    public void FilesWrittenByNumpy_AreRead(string fixture, NpyDType dtype)
    {
        using var file = File.OpenRead(Path.Join(AppContext.BaseDirectory, "Fixtures", "npy", fixture));

        var (data, shape, readType) = NpyReader.Read(file);

        Assert.Equal([3, 4], shape);
        Assert.Equal(dtype, readType);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (i - 5.5f) / 8), data);
    }

    [Fact]
    public void OneDimensionalNumpyFiles_AreRead()
    {
        using var file = File.OpenRead(Path.Join(AppContext.BaseDirectory, "Fixtures", "npy", "numpy_f32_5.npy"));

        var (data, shape, _) = NpyReader.Read(file);

        Assert.Equal([5], shape);
        Assert.Equal([0.1f, -2.5f, 65504f, 1e-3f, 3.14159f], data);
    }

    [Fact]
    public void TruncatedData_IsReportedAsInvalid()
    {
        var bytes = File.ReadAllBytes(Path.Join(AppContext.BaseDirectory, "Fixtures", "npy", "numpy_f32_3x4.npy"));

        var error = Assert.Throws<InvalidDataException>(() => NpyReader.Read(new MemoryStream(bytes[..^5])));

        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", "Fortran order")]
    [InlineData("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 2), }", "dtype '<i8' is not supported")]
    [InlineData("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }", "dtype '>f4' is not supported")]
    [InlineData("{'shape': (2, 2), }", "descr, fortran_order and shape")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-2, 2), }", "not a non-negative int: '-2'")]
    public void UnsupportedHeaders_AreRefused_NamingWhy(string dict, string expected)
    {
        var header = new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)dict.Length, 0 };
        var bytes = header.Concat(Encoding.ASCII.GetBytes(dict)).Concat(new byte[16]).ToArray();

        var error = Assert.Throws<InvalidDataException>(() => NpyReader.Read(new MemoryStream(bytes)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonNpyBytes_AreRefused()
    {
        var error = Assert.Throws<InvalidDataException>(() => NpyReader.Read(new MemoryStream("PAR1 not numpy"u8.ToArray())));

        Assert.Contains("magic", error.Message, StringComparison.Ordinal);
    }
}
