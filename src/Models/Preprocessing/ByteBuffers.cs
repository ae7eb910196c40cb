using System.Buffers;

namespace Pipeline.Models.Preprocessing;

/// <summary>
/// Scratch byte arrays: pooled up to <see cref="PoolLimit"/>, freshly allocated above it, so that one huge image does not
/// leave a buffer of hundreds of megabytes parked in <see cref="ArrayPool{T}.Shared"/> (which keeps arrays up to 1 GiB).
/// </summary>
internal static class ByteBuffers
{
    /// <summary>Largest request served from the pool: 32 MiB, an 8-megapixel RGBA image.</summary>
    public const int PoolLimit = 32 << 20;

    /// <summary>An array of at least <paramref name="length"/> bytes, contents undefined.</summary>
    public static byte[] Rent(int length) =>
        length <= PoolLimit ? ArrayPool<byte>.Shared.Rent(length) : GC.AllocateUninitializedArray<byte>(length);

    /// <summary>Gives back an array from <see cref="Rent"/>; arrays above the limit are left to the GC.</summary>
    public static void Return(byte[] array)
    {
        if (array.Length <= PoolLimit)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
