namespace Pipeline.Models.Diffusion.Text;

/// <summary>Which position's <c>last_hidden_state</c> is the pooled text embedding (CLIP <c>pooler_output</c>).</summary>
public enum ClipPooling
{
    /// <summary>
    /// <c>h[b, argmax(ids[b])]</c>: OpenAI CLIP and transformers &lt; 4.31, and transformers &gt;= 4.31 when
    /// <c>eos_token_id == 2</c>. The eos id is the largest id in CLIP's vocabulary, and torch's argmax takes the
    /// first maximum.
    /// </summary>
    ArgmaxId,

    /// <summary><c>h[b, first index where ids[b] == eos_token_id]</c>: transformers &gt;= 4.31 otherwise.</summary>
    FirstEos,
}
