namespace Pipeline.Models.Checkpoints;

/// <summary>
/// Element types of a safetensors file, spelled as they appear in the header (<c>"dtype": "F32"</c>).
/// All of them are read and written; little-endian, row-major, as the format specifies.
/// </summary>
public enum SafeTensorDType
{
    /// <summary>IEEE 754 binary32.</summary>
    F32,

    /// <summary>IEEE 754 binary16.</summary>
    F16,

    /// <summary>bfloat16 (the upper half of a binary32).</summary>
    BF16,

    /// <summary>Signed 64-bit integer.</summary>
    I64,

    /// <summary>Unsigned 8-bit integer.</summary>
    U8,

    /// <summary>IEEE 754 binary64.</summary>
    F64,

    /// <summary>Signed 32-bit integer.</summary>
    I32,

    /// <summary>Signed 16-bit integer.</summary>
    I16,

    /// <summary>Signed 8-bit integer.</summary>
    I8,
}
