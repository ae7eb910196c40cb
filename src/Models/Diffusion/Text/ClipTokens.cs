namespace Pipeline.Models.Diffusion.Text;

/// <summary>
/// One prompt as CLIP text-encoder input: <c>[bos] + content[:MaxLength-2] + [eos]</c>, right-padded to the
/// tokenizer's <c>MaxLength</c> with its pad id (SD-1.5: 77 ids, pad 49407).
/// </summary>
/// <param name="InputIds">The <c>MaxLength</c> model input ids.</param>
/// <param name="ContentTokens">Content tokens of the prompt before truncation (without bos/eos).</param>
/// <param name="Truncated">True when the content did not fit and was cut to <c>MaxLength - 2</c> tokens.</param>
public sealed record ClipTokens(long[] InputIds, int ContentTokens, bool Truncated);
