using Pipeline.Models.Registry;

namespace Pipeline.Models.Preprocessing;

/// <summary>
/// The eval transform of timm and of Hugging Face image processors on a decoded image: resize the shorter side with
/// Pillow's filter (<see cref="PillowResize"/>), centre-crop with the config's rounding, scale to [0,1] and normalise,
/// written as CHW float32. Only the cropped part of the resize is computed; the bytes are those of the full pipeline.
/// An <see cref="InputGeometry"/> adds what the config cannot state (timm's non-square resizes, no resize, no crop).
/// Thread-safe.
/// </summary>
public static class ImagePreprocessor
{
    /// <summary>
    /// Size after resizing the shorter side to <paramref name="shortestEdge"/>: the longer side becomes
    /// <c>int(shortestEdge * long / short)</c> (truncated), as torchvision's <c>Resize(int)</c> and Hugging Face's
    /// <c>get_resize_output_image_size</c> compute it.
    /// </summary>
    public static (int Width, int Height) ResizedSize(int width, int height, int shortestEdge)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shortestEdge);
        if (width <= height)
        {
            return (shortestEdge, (int)((double)shortestEdge * height / width));
        }

        return ((int)((double)shortestEdge * width / height), shortestEdge);
    }

    /// <summary>
    /// Offset of a centre crop of <paramref name="crop"/> pixels in an axis of <paramref name="size"/> pixels. A negative
    /// offset means the crop is larger than the image: the image then sits that many zero pixels in, as the libraries
    /// pad (torchvision <c>(crop - size) // 2</c> before the image; Hugging Face <c>ceil((crop - size) / 2)</c>).
    /// </summary>
    public static int CropOffset(int size, int crop, CropRounding rounding)
    {
        var diff = size - crop;
        return rounding switch
        {
            // torchvision: int(round(diff / 2.0)) with Python's half-to-even round; when padding, -((crop - size) // 2).
            CropRounding.RoundHalfToEven => diff >= 0 ? (int)Math.Round(diff / 2.0, MidpointRounding.ToEven) : -(-diff / 2),

            // Hugging Face: diff // 2 (floor division, also when negative).
            CropRounding.Floor => diff >> 1,
            _ => throw new ArgumentOutOfRangeException(nameof(rounding), rounding, "Unknown crop rounding."),
        };
    }

    /// <summary>Preprocesses into a new CHW float32 array of length 3 * CropHeight * CropWidth.</summary>
    public static float[] Preprocess(DecodedImage image, PreprocessConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var destination = new float[3 * config.CropHeight * config.CropWidth];
        Preprocess(image, config, destination);
        return destination;
    }

    /// <summary>Preprocesses into <paramref name="destination"/>: CHW float32, length 3 * CropHeight * CropWidth.</summary>
    public static void Preprocess(DecodedImage image, PreprocessConfig config, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        Validate(config);
        var (width, height) = config.Squash
            ? (config.ResizeShortestEdge, config.ResizeShortestEdge)
            : ResizedSize(image.Width, image.Height, config.ResizeShortestEdge);
        Transform(image, config, width, height, config.Interpolation, config.CropWidth, config.CropHeight, destination);
    }

    /// <summary>
    /// The model-input size (height, width) <paramref name="geometry"/> gives <paramref name="image"/>: the config's crop
    /// size when it crops, else the resized (or, with <see cref="InputResize.None"/>, the image's own) size.
    /// </summary>
    public static (int Height, int Width) OutputSize(DecodedImage image, PreprocessConfig config, InputGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(geometry);
        if (geometry.CenterCrop)
        {
            return (config.CropHeight, config.CropWidth);
        }
        var (width, height, _) = ResizeTarget(image, config, geometry);
        return (height, width);
    }

    /// <summary>
    /// Preprocesses with <paramref name="geometry"/> into <paramref name="destination"/>: CHW float32 of
    /// <see cref="OutputSize"/>. <see cref="InputGeometry.Default"/> gives exactly the bytes of
    /// <see cref="Preprocess(DecodedImage, PreprocessConfig, Span{float})"/>.
    /// </summary>
    public static void Preprocess(DecodedImage image, PreprocessConfig config, InputGeometry geometry, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        if (geometry == InputGeometry.Default)
        {
            Preprocess(image, config, destination);
            return;
        }
        ArgumentNullException.ThrowIfNull(image);
        Validate(config);
        var (width, height, interpolation) = ResizeTarget(image, config, geometry);
        var (cropWidth, cropHeight) = geometry.CenterCrop ? (config.CropWidth, config.CropHeight) : (width, height);
        Transform(image, config, width, height, interpolation, cropWidth, cropHeight, destination);
    }

    /// <summary>The resized size (width, height) and filter per <paramref name="geometry"/>.</summary>
    private static (int Width, int Height, Interpolation Interpolation) ResizeTarget(DecodedImage image, PreprocessConfig config, InputGeometry geometry)
    {
        switch (geometry.Resize)
        {
            case InputResize.Config:
                var (w, h) = config.Squash
                    ? (config.ResizeShortestEdge, config.ResizeShortestEdge)
                    : ResizedSize(image.Width, image.Height, config.ResizeShortestEdge);
                return (w, h, config.Interpolation);
            case InputResize.KeepRatio:
                {
                    PositiveTarget(geometry);
                    // timm ResizeKeepRatio (longest = 0): ratio = min(h / th, w / tw); side = round(side / ratio).
                    var ratio = Math.Min((double)image.Height / geometry.ResizeHeight, (double)image.Width / geometry.ResizeWidth);
                    var width = (int)Math.Round(image.Width / ratio, MidpointRounding.ToEven);
                    var height = (int)Math.Round(image.Height / ratio, MidpointRounding.ToEven);
                    return (Math.Max(width, 1), Math.Max(height, 1), geometry.Interpolation);
                }
            case InputResize.Exact:
                PositiveTarget(geometry);
                return (geometry.ResizeWidth, geometry.ResizeHeight, geometry.Interpolation);
            case InputResize.None:
                return (image.Width, image.Height, config.Interpolation);
            default:
                throw new ArgumentOutOfRangeException(nameof(geometry), geometry.Resize, "Unknown resize mode.");
        }
    }

    private static void PositiveTarget(InputGeometry geometry)
    {
        if (geometry.ResizeHeight <= 0 || geometry.ResizeWidth <= 0)
        {
            throw new ArgumentException(
                $"{geometry.Resize} resize needs a positive target, got {geometry.ResizeHeight}x{geometry.ResizeWidth}.", nameof(geometry));
        }
    }

    /// <summary>Resize to <paramref name="width"/> x <paramref name="height"/>, centre-crop, rescale and normalise.</summary>
    private static void Transform(DecodedImage image, PreprocessConfig config, int width, int height, Interpolation interpolation,
        int cropWidth, int cropHeight, Span<float> destination)
    {
        var plane = cropWidth * cropHeight;
        if (destination.Length != 3 * plane)
        {
            throw new ArgumentException(
                $"Destination must hold 3 x {cropHeight} x {cropWidth} = {3 * plane} floats, it holds {destination.Length}.",
                nameof(destination));
        }

        var left = CropOffset(width, cropWidth, config.CropRounding);
        var top = CropOffset(height, cropHeight, config.CropRounding);

        // rescale + normalise as a table over the 256 byte values: the same float32 operations in the same order as
        // torchvision (x.float() / 255, then (x - mean) / std), done once per channel value instead of per pixel.
        // Hugging Face rescales in float64 (float32(x * (1/255))); that gives the same float32 for every byte value
        // (a test checks all 256), so one table serves both.
        Span<float> table = stackalloc float[3 * 256];
        for (var c = 0; c < 3; c++)
        {
            for (var v = 0; v < 256; v++)
            {
                table[(c * 256) + v] = (((float)v / 255f) - config.Mean[c]) / config.Std[c];
            }
        }

        // The part of the crop box that lies on the resized image; the rest (only when the crop is larger) is zero.
        int x0 = Math.Max(left, 0), x1 = Math.Min(left + cropWidth, width);
        int y0 = Math.Max(top, 0), y1 = Math.Min(top + cropHeight, height);
        if (x1 - x0 < cropWidth || y1 - y0 < cropHeight)
        {
            for (var c = 0; c < 3; c++)
            {
                destination.Slice(c * plane, plane).Fill(table[c * 256]);
            }
        }

        int regionWidth = x1 - x0, regionHeight = y1 - y0;
        var bytes = ByteBuffers.Rent(regionWidth * regionHeight * 3);
        try
        {
            var region = bytes.AsSpan(0, regionWidth * regionHeight * 3);
            PillowResize.ResizeRegion(image.Rgb, image.Width, image.Height, width, height, interpolation, x0, y0, regionWidth, regionHeight, region);
            Normalize(region, regionWidth, regionHeight, table, destination, cropWidth, plane, ((y0 - top) * cropWidth) + (x0 - left));
        }
        finally
        {
            ByteBuffers.Return(bytes);
        }
    }

    private static void Normalize(ReadOnlySpan<byte> region, int regionWidth, int regionHeight, ReadOnlySpan<float> table, Span<float> destination, int cropWidth, int plane, int firstIndex)
    {
        var r = destination.Slice(0, plane);
        var g = destination.Slice(plane, plane);
        var b = destination.Slice(2 * plane, plane);
        var tableR = table[..256];
        var tableG = table.Slice(256, 256);
        var tableB = table.Slice(512, 256);
        for (var y = 0; y < regionHeight; y++)
        {
            var source = region.Slice(y * regionWidth * 3, regionWidth * 3);
            var o = firstIndex + (y * cropWidth);
            for (int x = 0, s = 0; x < regionWidth; x++, s += 3, o++)
            {
                r[o] = tableR[source[s]];
                g[o] = tableG[source[s + 1]];
                b[o] = tableB[source[s + 2]];
            }
        }
    }

    private static void Validate(PreprocessConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.ResizeShortestEdge <= 0 || config.CropHeight <= 0 || config.CropWidth <= 0)
        {
            throw new ArgumentException(
                $"Preprocess sizes must be positive: resize {config.ResizeShortestEdge}, crop {config.CropHeight}x{config.CropWidth}.",
                nameof(config));
        }

        if (config.Mean is not { Length: 3 } || config.Std is not { Length: 3 })
        {
            throw new ArgumentException(
                $"Mean and std need 3 values each, got {config.Mean?.Length ?? 0} and {config.Std?.Length ?? 0}.", nameof(config));
        }
    }
}
