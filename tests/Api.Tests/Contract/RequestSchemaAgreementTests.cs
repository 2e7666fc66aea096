using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CleanWallet.Api.OpenApi;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Contract;

/// <summary>
/// The published request schemas and the API agree, tried over HTTP with the examples the document carries: each example
/// is accepted by validation; each field the document calls required, left out, is a 400 naming that field; each field it
/// calls optional can be left out or sent as null without a 400 for it. Nested item schemas (an order's lines) are tried
/// inside their parent's example.
/// </summary>
public sealed class RequestSchemaAgreementTests(TestDatabase database) : ApiTestBase(database)
{
    private static readonly string[] BodyMethods = ["post", "put", "patch"];

    private sealed record Trial(HttpClient Client, HttpMethod Method, string Url, string Operation);

    [Fact]
    public async Task Every_request_schema_requires_exactly_the_fields_the_api_refuses_to_go_without()
    {
        var document = JsonNode.Parse(await Client(apiKey: null).GetStringAsync("/openapi/v1.json"))!.AsObject();
        var schemas = document["components"]!["schemas"]!.AsObject();
        var customer = await CreateCustomerAsync();
        var problems = new List<string>();
        var tried = new HashSet<string>();

        foreach (var (path, item) in document["paths"]!.AsObject())
            foreach (var method in BodyMethods)
            {
                if (item![method] is not JsonObject operation || operation["requestBody"]?["content"]?["application/json"]?["schema"] is not { } body)
                    continue;
                var name = $"{method.ToUpperInvariant()} {path}";
                if (SchemaName(body) is not { } schemaName)
                {
                    problems.Add($"{name}: the request body is not a named schema");
                    continue;
                }
                var schema = schemas[schemaName]!.AsObject();
                if (schema["examples"]?[0]?.DeepClone() is not JsonObject example)
                {
                    problems.Add($"{name}: {schemaName} has no example");
                    continue;
                }

                // A customer key where customers may call (a staff caller may owe fields a customer does not, e.g. customerId
                // of a card payment, which the document describes as required only for staff).
                var roles = operation["x-roles"]!.AsArray().Select(r => (string?)r).ToList();
                var client = Client(roles.Contains("Customer") ? customer.ApiKey : ApiFactory.AdminKey);
                var url = Regex.Replace(path, "{[^}]+}", _ => Guid.NewGuid().ToString());
                var trial = new Trial(client, new HttpMethod(method.ToUpperInvariant()), url, name);

                var errors = await ValidationErrorsAsync(trial, example);
                if (errors is not null)
                    problems.Add($"{name}: the documented example of {schemaName} is refused: {errors.ToJsonString()}");
                else
                    await TryFieldsAsync(trial, example, example, schema, schemas, "", problems, tried);
                tried.Add(schemaName);
            }

        // Every request body the API validates was tried (nested ones through their parent).
        var untried = SchemaRules.RequestBodies.Keys.Select(t => t.Name).Where(n => !tried.Contains(n)).ToList();
        Assert.True(untried.Count == 0, $"request schemas never tried: {string.Join(", ", untried)}");
        Assert.True(tried.Count >= 19, $"only {tried.Count} request schemas tried");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Leaves out, then nulls, each field of <paramref name="target"/> (a part of <paramref name="root"/>) in turn.</summary>
    private static async Task TryFieldsAsync(Trial trial, JsonObject root, JsonObject target, JsonObject schema, JsonObject schemas,
        string prefix, List<string> problems, HashSet<string> tried)
    {
        var required = schema["required"]?.AsArray().Select(r => (string)r!).ToHashSet() ?? [];
        foreach (var (field, fieldSchema) in schema["properties"]!.AsObject().ToList())
        {
            var fieldPath = prefix + field;
            if (!target.TryGetPropertyValue(field, out var value))
            {
                if (required.Contains(field))
                    problems.Add($"{trial.Operation}: required '{fieldPath}' is not in the example");
                continue;
            }

            target.Remove(field);
            var withoutIt = await ValidationErrorsAsync(trial, root);
            if (required.Contains(field) && withoutIt?[fieldPath] is null)
                problems.Add($"{trial.Operation}: '{fieldPath}' is documented as required, but leaving it out gives " +
                             (withoutIt is null ? "no 400" : $"a 400 that does not name it: {withoutIt.ToJsonString()}"));
            if (!required.Contains(field) && withoutIt?[fieldPath] is not null)
                problems.Add($"{trial.Operation}: '{fieldPath}' is documented as optional, but leaving it out is a 400: {withoutIt.ToJsonString()}");

            if (!required.Contains(field))
            {
                target[field] = null;
                var nulled = await ValidationErrorsAsync(trial, root);
                if (nulled?[fieldPath] is not null)
                    problems.Add($"{trial.Operation}: '{fieldPath}' is documented as optional, but null is a 400: {nulled.ToJsonString()}");
            }
            target[field] = value;

            // An object, or a list of objects, with a schema of its own: its fields in turn, inside this example.
            var itemSchema = fieldSchema?["items"] ?? fieldSchema;
            if (itemSchema is not null && SchemaName(itemSchema) is { } nested)
            {
                var (part, partPath) = value switch
                {
                    JsonArray { Count: > 0 } list when list[0] is JsonObject first => (first, $"{fieldPath}[0]."),
                    JsonObject one => (one, $"{fieldPath}."),
                    _ => ((JsonObject?)null, ""),
                };
                if (part is null)
                    continue;
                await TryFieldsAsync(trial, root, part, schemas[nested]!.AsObject(), schemas, partPath, problems, tried);
                tried.Add(nested);
            }
        }
    }

    /// <summary>The <c>errors</c> of a 400 validation problem, or null when the request passed validation.</summary>
    private static async Task<JsonObject?> ValidationErrorsAsync(Trial trial, JsonObject body)
    {
        using var request = new HttpRequestMessage(trial.Method, trial.Url)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        using var response = await trial.Client.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.BadRequest)
            return null;
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True((string?)problem["code"] == "validation_failed", $"{trial.Operation}: a 400 that is not a validation failure: {problem.ToJsonString()}");
        return problem["errors"]!.AsObject();
    }

    private static string? SchemaName(JsonNode schema)
    {
        var reference = (string?)schema["$ref"]
                        ?? schema["oneOf"]?.AsArray().Select(s => (string?)s?["$ref"]).FirstOrDefault(r => r is not null);
        return reference?.Split('/')[^1];
    }
}
