using System.Text.Json;

namespace Pipeline.Models.Diffusion.Blocks;

/// <summary>
/// Reads a diffusers <c>config.json</c>: typed getters where JSON <c>null</c> and an absent key both mean "the
/// diffusers default", and refusals (<see cref="InvalidDataException"/> naming the file, the field and its value)
/// for settings the port does not implement, so an unsupported model fails at load instead of computing wrongly.
/// </summary>
internal sealed class DiffusersConfigReader
{
    private readonly JsonElement _root;

    private DiffusersConfigReader(string path, JsonElement root)
    {
        Path = path;
        _root = root;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>Parses <paramref name="path"/>; the top level must be a JSON object.</summary>
    public static DiffusersConfigReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"diffusers config '{path}' does not exist", path);
        }
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"diffusers config '{path}': the top level is a {doc.RootElement.ValueKind}, expected an object");
            }
            return new DiffusersConfigReader(path, doc.RootElement.Clone());
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"diffusers config '{path}' is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>The value of <paramref name="name"/>, or false when absent or null.</summary>
    public bool TryGet(string name, out JsonElement value)
    {
        if (_root.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>An error about field <paramref name="name"/>.</summary>
    public InvalidDataException Error(string name, string message) =>
        new($"diffusers config '{Path}': {name}: {message}");

    /// <summary>An integer field.</summary>
    public int Int(string name, int defaultValue) => NullableInt(name) ?? defaultValue;

    /// <summary>An integer field that may be null.</summary>
    public int? NullableInt(string name)
    {
        if (!TryGet(name, out var v))
        {
            return null;
        }
        return AsInt(name, v);
    }

    /// <summary>A number field.</summary>
    public double Double(string name, double defaultValue)
    {
        if (!TryGet(name, out var v))
        {
            return defaultValue;
        }
        return v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Error(name, $"expected a number, seen {v.GetRawText()}");
    }

    /// <summary>A boolean field.</summary>
    public bool Bool(string name, bool defaultValue)
    {
        if (!TryGet(name, out var v))
        {
            return defaultValue;
        }
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(name, $"expected true or false, seen {v.GetRawText()}"),
        };
    }

    /// <summary>A string field.</summary>
    public string? String(string name, string? defaultValue)
    {
        if (!TryGet(name, out var v))
        {
            return defaultValue;
        }
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw Error(name, $"expected a string, seen {v.GetRawText()}");
    }

    /// <summary>A list of strings.</summary>
    public IReadOnlyList<string> Strings(string name, IReadOnlyList<string> defaultValue)
    {
        if (!TryGet(name, out var v))
        {
            return defaultValue;
        }
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw Error(name, $"expected a list of strings, seen {v.GetRawText()}");
        }
        return v.EnumerateArray()
            .Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Error(name, $"expected a list of strings, seen {v.GetRawText()}"))
            .ToList();
    }

    /// <summary>A list of integers.</summary>
    public IReadOnlyList<int> Ints(string name, IReadOnlyList<int> defaultValue)
    {
        if (!TryGet(name, out var v))
        {
            return defaultValue;
        }
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw Error(name, $"expected a list of integers, seen {v.GetRawText()}");
        }
        return v.EnumerateArray().Select(e => AsInt(name, e)).ToList();
    }

    /// <summary>
    /// An integer given either once for every block or as a list of <paramref name="count"/> entries (one per
    /// block); null when absent.
    /// </summary>
    public IReadOnlyList<int>? PerBlockInts(string name, int count)
    {
        if (!TryGet(name, out var v))
        {
            return null;
        }
        if (v.ValueKind == JsonValueKind.Number)
        {
            return Enumerable.Repeat(AsInt(name, v), count).ToList();
        }
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw Error(name, $"expected an integer or a list of integers, seen {v.GetRawText()}");
        }
        var list = v.EnumerateArray().Select(e => AsInt(name, e)).ToList();
        if (list.Count != count)
        {
            throw Error(name, $"expected {count} entries (one per block), seen {list.Count}: {v.GetRawText()}");
        }
        return list;
    }

    /// <summary>Refuses a field that is set (not absent, not null) to anything other than <paramref name="allowed"/>' values.</summary>
    public void RefuseUnless(string name, Func<JsonElement, bool> allowed, string supported)
    {
        if (TryGet(name, out var v) && !allowed(v))
        {
            throw Error(name, $"value {v.GetRawText()} is not supported (supported: {supported})");
        }
    }

    /// <summary>Refuses a field that is set to anything but null.</summary>
    public void RefuseSet(string name) => RefuseUnless(name, _ => false, "null");

    /// <summary>Refuses a boolean field (or a list of booleans) that holds true.</summary>
    public void RefuseTrue(string name) =>
        RefuseUnless(
            name,
            v => v.ValueKind == JsonValueKind.False
                || (v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(e => e.ValueKind == JsonValueKind.False)),
            "false");

    /// <summary>Refuses a string field that is set to anything other than <paramref name="allowed"/>.</summary>
    public void RefuseStringOtherThan(string name, params string[] allowed) =>
        RefuseUnless(name, v => v.ValueKind == JsonValueKind.String && allowed.Contains(v.GetString()), string.Join(", ", allowed.Select(a => $"\"{a}\"")));

    /// <summary>Refuses a number field that is set to anything other than <paramref name="allowed"/>.</summary>
    public void RefuseNumberOtherThan(string name, double allowed) =>
        RefuseUnless(name, v => v.ValueKind == JsonValueKind.Number && v.GetDouble() == allowed, allowed.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private int AsInt(string name, JsonElement v) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i)
            ? i
            : throw Error(name, $"expected an integer, seen {v.GetRawText()}");
}
