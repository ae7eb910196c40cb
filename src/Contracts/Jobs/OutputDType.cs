namespace Pipeline.Contracts.Jobs;

/// <summary>Element type of the embedding <c>.npy</c> files.</summary>
[GenerateSerializer]
public enum OutputDType
{
    Float16,
    Float32,
}
