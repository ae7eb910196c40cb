using System.Buffers;
using Pipeline.Models.Embedding;
using Pipeline.Models.Preprocessing;
using Pipeline.Storage.Corpus;

namespace Pipeline.Grains.Embed;

/// <summary>
/// Download and decode + preprocess stages for one sample. Failures become failure records (stage <c>read</c> or
/// <c>decode</c>), never exceptions, so one bad file never fails a task. Cancellation still propagates. The model's
/// preprocessing sizes each image: one crop size for all, or (images at their own size) the image's model input.
/// </summary>
public sealed class SampleReader(SampleOpener opener, ImageEmbedder embedder, ImageDecoderOptions decoderOptions, SemaphoreSlim downloads, DecodeSlots decoders)
{
    public async Task<PreparedSample> ReadAsync(CorpusEntry entry, CancellationToken cancellationToken)
    {
        byte[] bytes;
        await downloads.WaitAsync(cancellationToken);
        try
        {
            bytes = await opener.ReadAllBytesAsync(entry.Reference, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return PreparedSample.Failed(entry.ImagePath, "read", e.Message);
        }
        finally
        {
            downloads.Release();
        }
        return await DecodeAsync(entry.ImagePath, bytes, cancellationToken);
    }

    /// <summary>Decode + preprocess of bytes already read (a tar member).</summary>
    public async Task<PreparedSample> DecodeAsync(string imagePath, byte[] bytes, CancellationToken cancellationToken)
    {
        await decoders.WaitAsync(cancellationToken);
        try
        {
            // Decode on a pool thread: CPU work must not run on the caller's (possibly grain) scheduler.
            return await Task.Run(() => Decode(imagePath, bytes), cancellationToken);
        }
        finally
        {
            decoders.Release();
        }
    }

    private PreparedSample Decode(string imagePath, byte[] bytes)
    {
        DecodedImage image;
        try
        {
            image = ImageDecoder.Decode(bytes, decoderOptions);
        }
        catch (ImageDecodeException e)
        {
            return PreparedSample.Failed(imagePath, "decode", e.Message);
        }

        float[]? pixels = null;
        try
        {
            var (inputHeight, inputWidth) = embedder.FixedSize
                ? (embedder.Preprocess.CropHeight, embedder.Preprocess.CropWidth)
                : embedder.InputSize(image);
            var length = 3 * inputHeight * inputWidth;
            pixels = ArrayPool<float>.Shared.Rent(length);
            if (embedder.FixedSize && embedder.Geometry == InputGeometry.Default)
            {
                ImagePreprocessor.Preprocess(image, embedder.Preprocess, pixels.AsSpan(0, length));
            }
            else
            {
                embedder.PreprocessImage(image, pixels.AsSpan(0, length));
            }
            return new PreparedSample(imagePath, pixels, image.Width, image.Height) { InputHeight = inputHeight, InputWidth = inputWidth };
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            if (pixels is not null) ArrayPool<float>.Shared.Return(pixels);
            return PreparedSample.Failed(imagePath, "decode", e.Message);
        }
    }
}
