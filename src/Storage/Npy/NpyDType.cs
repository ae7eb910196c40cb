namespace Pipeline.Storage;

/// <summary>Element type of an <c>.npy</c> file written by <see cref="NpyWriter"/>.</summary>
public enum NpyDType
{
    /// <summary>Little-endian IEEE half precision, numpy <c>&lt;f2</c>.</summary>
    Float16,

    /// <summary>Little-endian IEEE single precision, numpy <c>&lt;f4</c>.</summary>
    Float32,
}
