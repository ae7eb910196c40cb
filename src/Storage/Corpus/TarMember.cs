namespace Pipeline.Storage.Corpus;

/// <summary>One image member of a tar.</summary>
/// <param name="Name">The member's name in the archive (long PAX/GNU names in full), which becomes its <c>image_path</c>.</param>
/// <param name="Bytes">The member's content.</param>
public sealed record TarMember(string Name, byte[] Bytes);
