using System.Text.Json;

namespace Pipeline.Models.Diffusion.Schedulers;

/// <summary>
/// Reads typed fields of a diffusers <c>scheduler_config.json</c> with a default for absent fields, as diffusers'
/// <c>from_config</c> does (fields the scheduler does not know are ignored). A field of the wrong type is an
/// <see cref="InvalidDataException"/> naming it.
/// </summary>
internal sealed class SchedulerConfigReader(JsonElement root, string source)
{
    /// <summary>Parses <paramref name="path"/>; the file must hold one JSON object.</summary>
    public static SchedulerConfigReader FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"scheduler config '{path}' does not exist", path);
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"scheduler config '{path}' is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"scheduler config '{path}' must hold a JSON object, seen {document.RootElement.ValueKind}");
            }
            return new SchedulerConfigReader(document.RootElement.Clone(), path);
        }
    }

    /// <summary>Where the config came from, for messages.</summary>
    public string Source => source;

    public string? ClassName => root.TryGetProperty("_class_name", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public int Int(string field, int fallback)
    {
        if (!TryGet(field, out var v))
        {
            return fallback;
        }
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i))
        {
            return i;
        }
        // Python configs sometimes write integers as floats (50.0).
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue)
        {
            return (int)d;
        }
        throw Invalid(field, "an integer", v);
    }

    public double Double(string field, double fallback)
    {
        if (!TryGet(field, out var v))
        {
            return fallback;
        }
        return v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) ? d : throw Invalid(field, "a number", v);
    }

    public bool Bool(string field, bool fallback)
    {
        if (!TryGet(field, out var v))
        {
            return fallback;
        }
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Invalid(field, "true or false", v),
        };
    }

    public string String(string field, string fallback)
    {
        if (!TryGet(field, out var v))
        {
            return fallback;
        }
        return v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Invalid(field, "a string", v);
    }

    /// <summary>A list of numbers, or null when absent or <c>null</c> (diffusers' <c>trained_betas</c>).</summary>
    public IReadOnlyList<double>? DoubleArrayOrNull(string field)
    {
        if (!root.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(field, "a list of numbers or null", v);
        }
        var values = new List<double>(v.GetArrayLength());
        foreach (var item in v.EnumerateArray())
        {
            values.Add(item.ValueKind == JsonValueKind.Number ? item.GetDouble() : throw Invalid(field, "a list of numbers or null", v));
        }
        return values;
    }

    private bool TryGet(string field, out JsonElement value)
    {
        if (!root.TryGetProperty(field, out value))
        {
            return false;
        }
        if (value.ValueKind == JsonValueKind.Null)
        {
            throw new InvalidDataException($"scheduler config '{source}': field '{field}' is null; give a value or leave the field out for the default");
        }
        return true;
    }

    private InvalidDataException Invalid(string field, string expected, JsonElement seen) =>
        new($"scheduler config '{source}': field '{field}' must be {expected}, seen {seen.GetRawText()}");
}
