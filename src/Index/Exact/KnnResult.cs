namespace Pipeline.Index.Exact;

/// <summary>
/// The k nearest rows of each query, best first, as row-major [Queries, K] arrays. <see cref="K"/> is
/// min(requested k, indexed rows): when fewer rows than k are indexed, every row is returned and nothing is padded.
/// </summary>
/// <param name="Indices">Row numbers in the input given to the build (skipped rows keep their numbers out of use).</param>
/// <param name="Scores">Similarity for cosine and inner product (descending), squared L2 distance for L2 (ascending).</param>
public sealed record KnnResult(int Queries, int K, long[] Indices, float[] Scores)
{
    public long Index(int query, int rank) => Indices[checked(query * K + rank)];

    public float Score(int query, int rank) => Scores[checked(query * K + rank)];
}
