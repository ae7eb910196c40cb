namespace Pipeline.Models.Diffusion.Text;

/// <summary>The special token strings of a CLIP tokenizer folder, resolved from its config files.</summary>
internal sealed record ClipSpecialTokens(string Bos, string Eos, string Pad, string Unk);
