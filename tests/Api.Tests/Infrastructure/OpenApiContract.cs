using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace CleanWallet.Api.Tests.Infrastructure;

/// <summary>
/// The OpenAPI document a test host publishes, as something answers can be checked against: for a method, a request
/// path and a status, the documented response and the JSON schema of each of its media types (components.schemas
/// become $defs of one JSON Schema 2020-12 document, which OpenAPI 3.1 schemas are).
/// </summary>
public sealed class OpenApiContract
{
    private static readonly ConcurrentDictionary<string, OpenApiContract> ByText = new();

    private readonly JsonObject _paths;
    private readonly JsonNode _definitions;
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new();

    private OpenApiContract(JsonObject document)
    {
        _paths = document["paths"]!.AsObject();
        _definitions = document["components"]?["schemas"] ?? new JsonObject();
    }

    /// <summary>One contract per distinct document (hosts with other settings, e.g. VM sizes, publish another).</summary>
    public static OpenApiContract Parse(string documentText) =>
        ByText.GetOrAdd(documentText, text => new OpenApiContract(JsonNode.Parse(text)!.AsObject()));

    /// <summary>The operation's path template (e.g. /api/v1/wallets/{id}) for a concrete path, or null when none matches.</summary>
    public string? TemplateFor(string method, string path)
    {
        var segments = path.TrimEnd('/').Split('/');
        string? best = null;
        var bestLiterals = -1;
        foreach (var (template, item) in _paths)
        {
            if (item?[method.ToLowerInvariant()] is not { } operation)
                continue;
            var parts = template.TrimEnd('/').Split('/');
            if (parts.Length != segments.Length)
                continue;
            var literals = 0;
            var matches = true;
            for (var i = 0; i < parts.Length && matches; i++)
            {
                if (parts[i].StartsWith('{'))
                    matches = segments[i].Length > 0 && (!IsUuid(operation, parts[i].Trim('{', '}')) || Guid.TryParse(segments[i], out _));
                else if (string.Equals(parts[i], segments[i], StringComparison.OrdinalIgnoreCase))
                    literals++;
                else
                    matches = false;
            }
            if (matches && literals > bestLiterals)
                (best, bestLiterals) = (template, literals);
        }
        return best;
    }

    /// <summary>A {guid} route parameter matches GUIDs only (like the route constraint): /wallets/12345 is no operation's path.</summary>
    private static bool IsUuid(JsonNode operation, string parameter) =>
        operation["parameters"]?.AsArray().Any(p => (string?)p?["name"] == parameter && (string?)p?["in"] == "path"
            && (string?)p?["schema"]?["format"] == "uuid") == true;

    public JsonObject? Response(string method, string template, int status) =>
        _paths[template]?[method.ToLowerInvariant()]?["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)]?.AsObject();

    /// <summary>The compiled schema of one documented response body, or null when that media type is not documented.</summary>
    public JsonSchema? BodySchema(string method, string template, int status, string mediaType)
    {
        var schema = Response(method, template, status)?["content"]?[mediaType]?["schema"];
        if (schema is null)
            return null;
        return _schemas.GetOrAdd($"{method} {template} {status} {mediaType}", _ =>
        {
            var root = new JsonObject
            {
                ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
                ["$defs"] = _definitions.DeepClone(),
                ["allOf"] = new JsonArray(schema.DeepClone()),
            };
            var text = root.ToJsonString().Replace("\"#/components/schemas/", "\"#/$defs/", StringComparison.Ordinal);
            return JsonSchema.FromText(text, baseUri: new Uri($"https://cleanwallet.test/contract/{Guid.NewGuid():N}"));
        });
    }

    /// <summary>Every way the body breaks the schema, one line each ("/items/0/amount: ..."); empty when it is valid.</summary>
    public static IReadOnlyList<string> Violations(JsonSchema schema, JsonElement body)
    {
        var results = schema.Evaluate(body, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
            return [];
        var lines = (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{(d.InstanceLocation.ToString() is { Length: > 0 } at ? at : "(root)")}: {e.Key}: {e.Value}"))
            .Distinct()
            .ToList();
        return lines.Count > 0 ? lines : ["the body does not match the schema"];
    }
}
