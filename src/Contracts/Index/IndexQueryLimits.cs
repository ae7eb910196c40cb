namespace Pipeline.Contracts.Index;

/// <summary>Bounds of a query, shared by the query service and the commands that call it.</summary>
public static class IndexQueryLimits
{
    /// <summary>The most neighbours one query may ask for.</summary>
    public const int MaxK = 10_000;
}
