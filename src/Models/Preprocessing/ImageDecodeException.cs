namespace Pipeline.Models.Preprocessing;

/// <summary>
/// An image could not be turned into pixels: unrecognised or corrupt data, zero bytes, a truncated file, or a size over
/// <see cref="ImageDecoderOptions.MaxPixels"/>. The worker turns it into a failure record with <see cref="Stage"/>.
/// </summary>
public sealed class ImageDecodeException : Exception
{
    /// <summary>Creates the exception with a reason that says what was wrong with the input.</summary>
    public ImageDecodeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and the error that caused it.</summary>
    public ImageDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The pipeline stage that failed, as written to failure records: always <c>decode</c>.</summary>
    public string Stage => "decode";
}
