using System.Buffers;
using Pipeline.Models.Preprocessing;
using Pipeline.Models.Registry;
using Pipeline.Storage;

namespace Pipeline.Grains.Workers;

/// <summary>
/// Download and decode + preprocess stages for one sample. Failures become failure records (stage <c>read</c> or
/// <c>decode</c>), never exceptions, so one bad file never fails a shard. Cancellation still propagates.
/// </summary>
public sealed class SampleReader(IObjectStore input, PreprocessConfig preprocess, ImageDecoderOptions decoderOptions, SemaphoreSlim downloads, DecodeSlots decoders)
{
    private int PixelsPerImage => 3 * preprocess.CropHeight * preprocess.CropWidth;

    public async Task<PreparedSample> ReadAsync(string key, CancellationToken cancellationToken)
    {
        byte[] bytes;
        await downloads.WaitAsync(cancellationToken);
        try
        {
            bytes = await input.ReadAllBytesAsync(key, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return PreparedSample.Failed(key, "read", e.Message);
        }
        finally
        {
            downloads.Release();
        }

        await decoders.WaitAsync(cancellationToken);
        try
        {
            // Decode on a pool thread: CPU work must not run on the caller's (possibly grain) scheduler.
            return await Task.Run(() => Decode(key, bytes), cancellationToken);
        }
        finally
        {
            decoders.Release();
        }
    }

    private PreparedSample Decode(string key, byte[] bytes)
    {
        DecodedImage image;
        try
        {
            image = ImageDecoder.Decode(bytes, decoderOptions);
        }
        catch (ImageDecodeException e)
        {
            return PreparedSample.Failed(key, "decode", e.Message);
        }

        var pixels = ArrayPool<float>.Shared.Rent(PixelsPerImage);
        try
        {
            ImagePreprocessor.Preprocess(image, preprocess, pixels.AsSpan(0, PixelsPerImage));
            return new PreparedSample(key, pixels, image.Width, image.Height);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            ArrayPool<float>.Shared.Return(pixels);
            return PreparedSample.Failed(key, "decode", e.Message);
        }
    }
}
