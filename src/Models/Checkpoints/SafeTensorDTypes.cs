using TorchSharp;

namespace Pipeline.Models.Checkpoints;

/// <summary>Facts about <see cref="SafeTensorDType"/>: header spelling, element size, torch type, writer order.</summary>
public static class SafeTensorDTypes
{
    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.F64 or SafeTensorDType.I64 => 8,
        SafeTensorDType.F32 or SafeTensorDType.I32 => 4,
        SafeTensorDType.F16 or SafeTensorDType.BF16 or SafeTensorDType.I16 => 2,
        SafeTensorDType.U8 or SafeTensorDType.I8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown safetensors dtype"),
    };

    /// <summary>The torch element type that holds this dtype bit for bit.</summary>
    public static torch.ScalarType ToScalarType(this SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.F32 => torch.ScalarType.Float32,
        SafeTensorDType.F16 => torch.ScalarType.Float16,
        SafeTensorDType.BF16 => torch.ScalarType.BFloat16,
        SafeTensorDType.I64 => torch.ScalarType.Int64,
        SafeTensorDType.U8 => torch.ScalarType.Byte,
        SafeTensorDType.F64 => torch.ScalarType.Float64,
        SafeTensorDType.I32 => torch.ScalarType.Int32,
        SafeTensorDType.I16 => torch.ScalarType.Int16,
        SafeTensorDType.I8 => torch.ScalarType.Int8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown safetensors dtype"),
    };

    /// <summary>The safetensors dtype for a torch element type, or false when the format has none we support.</summary>
    public static bool TryFromScalarType(torch.ScalarType type, out SafeTensorDType dtype)
    {
        (var ok, dtype) = type switch
        {
            torch.ScalarType.Float32 => (true, SafeTensorDType.F32),
            torch.ScalarType.Float16 => (true, SafeTensorDType.F16),
            torch.ScalarType.BFloat16 => (true, SafeTensorDType.BF16),
            torch.ScalarType.Int64 => (true, SafeTensorDType.I64),
            torch.ScalarType.Byte => (true, SafeTensorDType.U8),
            torch.ScalarType.Float64 => (true, SafeTensorDType.F64),
            torch.ScalarType.Int32 => (true, SafeTensorDType.I32),
            torch.ScalarType.Int16 => (true, SafeTensorDType.I16),
            torch.ScalarType.Int8 => (true, SafeTensorDType.I8),
            _ => (false, default(SafeTensorDType)),
        };
        return ok;
    }

    /// <summary>Parses the header spelling (case-sensitive, as the reference implementation is).</summary>
    public static bool TryParse(string text, out SafeTensorDType dtype)
    {
        (var ok, dtype) = text switch
        {
            "F32" => (true, SafeTensorDType.F32),
            "F16" => (true, SafeTensorDType.F16),
            "BF16" => (true, SafeTensorDType.BF16),
            "I64" => (true, SafeTensorDType.I64),
            "U8" => (true, SafeTensorDType.U8),
            "F64" => (true, SafeTensorDType.F64),
            "I32" => (true, SafeTensorDType.I32),
            "I16" => (true, SafeTensorDType.I16),
            "I8" => (true, SafeTensorDType.I8),
            _ => (false, default(SafeTensorDType)),
        };
        return ok;
    }

    /// <summary>
    /// Rank of the dtype in the Rust reference's <c>Dtype</c> enum (BOOL, U8, I8, F8_*, I16, U16, F16, BF16, I32,
    /// U32, F32, F64, I64, U64). Its writer lays tensors out by this rank, largest first, then by name, which keeps
    /// every tensor aligned to its element size; <see cref="SafeTensorsWriter"/> does the same.
    /// </summary>
    internal static int ReferenceRank(this SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.U8 => 1,
        SafeTensorDType.I8 => 2,
        SafeTensorDType.I16 => 5,
        SafeTensorDType.F16 => 7,
        SafeTensorDType.BF16 => 8,
        SafeTensorDType.I32 => 9,
        SafeTensorDType.F32 => 11,
        SafeTensorDType.F64 => 12,
        SafeTensorDType.I64 => 13,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown safetensors dtype"),
    };
}
