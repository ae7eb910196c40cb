// MSBuild inline task (RoslynCodeTaskFactory): makes TorchSharp's libLibTorchSharp.so load on systems whose
// libstdc++ lacks GLIBCXX_3.4.32 (Debian 12 has 3.4.30). The library asks that version for exactly one symbol,
// _ZSt21ios_base_library_initv, which nothing calls. Two bytes fix it (see ../shared/ENVIRONMENT.md):
//   1. .gnu.version: that symbol's version index becomes 1 (global, unversioned);
//   2. .gnu.version_r: the GLIBCXX_3.4.32 requirement gets VER_FLG_WEAK, so its absence is not fatal.
// Written by hand because patchelf is not on a fresh machine and cannot do the second edit anyway.
// Idempotent; refuses (build error) when any other symbol needs the version, rather than leaving a library that
// crashes at the first tensor.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class LibTorchSharpGlibcxxFix : Task
{
    private const string MissingVersion = "GLIBCXX_3.4.32";
    private const string OnlyUser = "_ZSt21ios_base_library_initv";
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const uint ShtGnuVersym = 0x6fffffff;
    private const uint ShtDynsym = 11;
    private const ushort VerFlgWeak = 0x2;

    [Required] public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();

    public override bool Execute()
    {
        if (!System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux)) return true;
        if (SystemLibstdcxxHas(MissingVersion)) return true;
        foreach (ITaskItem item in Libraries)
        {
            string path = item.ItemSpec;
            if (!File.Exists(path)) continue;
            try
            {
                string result = Patch(path);
                Log.LogMessage(MessageImportance.Low, "LibTorchSharp GLIBCXX fix: {0}: {1}", path, result);
            }
            catch (Exception e)
            {
                Log.LogError("TorchSharp native fix could not be applied to {0}: {1}. The system libstdc++ lacks {2}, "
                    + "so TorchSharp would fail to load. Install a newer libstdc++6 or report this.", path, e.Message,
                    MissingVersion);
                return false;
            }
        }
        return !Log.HasLoggedErrors;
    }

    private static bool SystemLibstdcxxHas(string version)
    {
        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
        };
        byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
        foreach (string candidate in candidates)
        {
            if (!File.Exists(candidate)) continue;
            byte[] bytes = File.ReadAllBytes(candidate);
            return IndexOf(bytes, needle) >= 0;
        }
        return true; // no libstdc++ found where we know to look: not a system this fix is for
    }

    private static string Patch(string path)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1) throw new InvalidDataException("not a little-endian 64-bit ELF");

        ulong shoff = U64(elf, 0x28);
        int shentsize = U16(elf, 0x3A), shnum = U16(elf, 0x3C);
        long verneedOff = -1, versymOff = -1, dynsymOff = -1, dynsymSize = 0;
        int verneedCount = 0, dynsymLink = 0;
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)shoff + i * shentsize);
            uint type = U32(elf, sh + 4);
            long offset = (long)U64(elf, sh + 0x18);
            if (type == ShtGnuVerneed) { verneedOff = offset; verneedCount = (int)U32(elf, sh + 0x2C); }
            else if (type == ShtGnuVersym) versymOff = offset;
            else if (type == ShtDynsym) { dynsymOff = offset; dynsymSize = (long)U64(elf, sh + 0x20); dynsymLink = (int)U32(elf, sh + 0x28); }
        }
        if (verneedOff < 0 || versymOff < 0 || dynsymOff < 0) throw new InvalidDataException("no symbol version sections");
        long dynstrOff = (long)U64(elf, checked((int)shoff + dynsymLink * shentsize + 0x18));

        // Find the GLIBCXX_3.4.32 requirement and its version index.
        int auxWithVersion = -1;
        ushort versionIndex = 0;
        long need = verneedOff;
        for (int n = 0; n < verneedCount; n++)
        {
            int cnt = U16(elf, (int)need + 2);
            long aux = need + U32(elf, (int)need + 8);
            for (int a = 0; a < cnt; a++)
            {
                if (ReadString(elf, dynstrOff + U32(elf, (int)aux + 8)) == MissingVersion)
                {
                    auxWithVersion = (int)aux;
                    versionIndex = (ushort)(U16(elf, (int)aux + 6) & 0x7fff);
                }
                aux += U32(elf, (int)aux + 12);
            }
            need += U32(elf, (int)need + 12);
        }
        if (auxWithVersion < 0) return "does not require " + MissingVersion;

        bool changed = false;
        long symbols = dynsymSize / 24;
        for (long s = 0; s < symbols; s++)
        {
            int versym = checked((int)(versymOff + s * 2));
            if ((U16(elf, versym) & 0x7fff) != versionIndex) continue;
            string name = ReadString(elf, dynstrOff + U32(elf, checked((int)(dynsymOff + s * 24))));
            if (name != OnlyUser)
                throw new InvalidDataException($"symbol {name} also needs {MissingVersion}; a two-byte fix is not safe");
            elf[versym] = 1;
            elf[versym + 1] = 0;
            changed = true;
        }
        ushort flags = U16(elf, auxWithVersion + 4);
        if ((flags & VerFlgWeak) == 0)
        {
            flags |= VerFlgWeak;
            elf[auxWithVersion + 4] = (byte)flags;
            elf[auxWithVersion + 5] = (byte)(flags >> 8);
            changed = true;
        }
        if (!changed) return "already patched";
        string temp = path + ".patching";
        File.WriteAllBytes(temp, elf);
        File.Delete(path);
        File.Move(temp, path);
        return "patched";
    }

    // netstandard2.0 (what inline tasks compile against) has no span search.
    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i <= haystack.Length - needle.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }

    private static ushort U16(byte[] b, int o) => BitConverter.ToUInt16(b, o);
    private static uint U32(byte[] b, int o) => BitConverter.ToUInt32(b, o);
    private static ulong U64(byte[] b, int o) => BitConverter.ToUInt64(b, o);

    private static string ReadString(byte[] b, long offset)
    {
        int start = checked((int)offset), end = start;
        while (end < b.Length && b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, start, end - start);
    }
}
