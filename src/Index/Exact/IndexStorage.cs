namespace Pipeline.Index.Exact;

/// <summary>Element type an <see cref="ExactIndex"/> keeps its rows in. Search always computes in float32.</summary>
public enum IndexStorage
{
    Float32,

    /// <summary>Half the memory; rows are rounded to float16 once at build (after normalisation for cosine).</summary>
    Float16,
}
