namespace Pipeline.Index.Pages;

/// <summary>
/// The stylesheet inlined into every page. Inline, with system fonts only, because the pages must open from a file
/// or an e-mail attachment with no network: nothing in them may refer to an external URL.
/// </summary>
internal static class PageStyle
{
    /// <summary>CSS for both page kinds; the thumbnail box size comes from the <c>--box</c> custom property.</summary>
    public const string Css = """
        * { box-sizing: border-box; }
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px; color: #1b1b1b; background: #fafafa; }
        h1 { font-size: 1.4rem; margin: 0 0 6px; }
        h2 { font-size: 1.05rem; margin: 20px 0 8px; }
        .summary { margin: 0 0 4px; color: #333; }
        .meta { margin: 0 0 4px; color: #666; font-size: 0.9rem; }
        .note { margin: 8px 0; color: #b00020; font-weight: 600; }
        .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(calc(var(--box) + 20px), 1fr)); gap: 12px; }
        figure { margin: 0; padding: 8px; background: #fff; border: 1px solid #d6d6d6; border-radius: 6px; display: flex; flex-direction: column; align-items: center; }
        .frame { width: var(--box); height: var(--box); max-width: 100%; display: flex; align-items: center; justify-content: center; background: #f0f0f0; }
        .frame img { max-width: 100%; max-height: 100%; height: auto; }
        figcaption { margin-top: 6px; width: 100%; text-align: center; font-size: 0.8rem; }
        .score { font-variant-numeric: tabular-nums; font-weight: 600; font-size: 0.95rem; }
        .rank { color: #666; margin-right: 4px; }
        .path { display: block; color: #555; overflow-wrap: anywhere; }
        figure.unreadable .path { color: #b00020; }
        figure.keep { border: 3px solid #1a7f37; background: #eef8f0; }
        .badge { display: inline-block; padding: 0 6px; margin-right: 4px; border-radius: 3px; font-size: 0.72rem; font-weight: 700; letter-spacing: 0.04em; }
        .badge.keep { background: #1a7f37; color: #fff; }
        .badge.removed { background: #ddd; color: #333; }
        .query { display: flex; gap: 16px; align-items: flex-start; margin: 12px 0; }
        .query-text { width: var(--box); height: var(--box); display: flex; align-items: center; justify-content: center; text-align: center; padding: 8px; background: #eef1f8; border: 1px dashed #8a96b5; border-radius: 6px; overflow-wrap: anywhere; }
        .cluster { margin: 0 0 8px; }
        """;
}
