using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CleanWallet.Api.OpenApi;

/// <summary>
/// Makes the generated schemas say what the API really reads and writes:
/// <list type="bullet">
/// <item>money (every <c>decimal</c>) is <c>type: number, format: decimal, multipleOf: 0.01</c> (<see cref="SchemaRules.MoneyStep"/>):
/// an exact decimal with two places, never a binary <c>double</c> (the one exception, <see cref="SchemaRules.FourDecimalFields"/>, says so);</item>
/// <item>a response field written only when it has a value (<c>JsonIgnore(WhenWritingNull)</c>) is optional and never null;
/// other nullable fields may be null;</item>
/// <item>a request body says what its validators check (<see cref="ValidatorSchemas"/>, <see cref="SchemaRules.RequestBodies"/>):
/// the fields they require (the others may be left out or null), lengths, bounds, patterns, enums, and in a field's description
/// when a condition makes it required or a rule no schema keyword can say; and one example (<see cref="SchemaRules.Examples"/>);</item>
/// <item>the enums and formats of responses (<see cref="SchemaRules.Fields"/>).</item>
/// </list>
/// </summary>
internal sealed class SchemaContractTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is { } property)
            TransformProperty(schema, context.JsonTypeInfo.Type, property, context.ApplicationServices);
        else if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object)
            TransformObject(schema, context.JsonTypeInfo, context.ApplicationServices);
        return Task.CompletedTask;
    }

    private static void TransformProperty(OpenApiSchema schema, Type type, JsonPropertyInfo property, IServiceProvider services)
    {
        var declaring = property.DeclaringType;
        if ((Nullable.GetUnderlyingType(type) ?? type) == typeof(decimal))
        {
            schema.Type = JsonSchemaType.Number | (schema.Type ?? 0) & JsonSchemaType.Null;
            schema.Format = "decimal";
            schema.MultipleOf = SchemaRules.FourDecimalFields.Contains((declaring, property.Name)) ? 0.0001m : SchemaRules.MoneyStep;
        }

        if (WrittenOnlyWithValue(property))
            schema.Type &= ~JsonSchemaType.Null;
        else if (type == typeof(string) && property.IsGetNullable && !SchemaRules.RequestBodies.ContainsKey(declaring))
            schema.Type |= JsonSchemaType.Null;

        if (SchemaRules.Fields.TryGetValue((declaring, property.Name), out var rule))
            rule(schema, services);
    }

    private static void TransformObject(OpenApiSchema schema, JsonTypeInfo typeInfo, IServiceProvider services)
    {
        var properties = schema.Properties ?? new Dictionary<string, IOpenApiSchema>();
        if (SchemaRules.RequestBodies.ContainsKey(typeInfo.Type))
        {
            // A request body: its validators decide what is required; what is optional may also be sent as null.
            var rules = ValidatorSchemas.For(typeInfo.Type, services);
            var required = rules.Fields.Values.Where(f => f.Required).Select(f => f.Name).ToHashSet();
            schema.Required = required;
            foreach (var (name, field) in properties)
            {
                if (field is not OpenApiSchema inline)
                    continue;
                if (inline.Type is { } type && type != JsonSchemaType.Null)
                    inline.Type = required.Contains(name) ? type & ~JsonSchemaType.Null : type | JsonSchemaType.Null;
                if (!rules.Fields.TryGetValue(name, out var fieldRules))
                    continue;
                foreach (var rule in fieldRules.Schema)
                    rule(inline, services);
                if (fieldRules.Notes.Count > 0)
                    inline.Description = string.Join(" ", fieldRules.Notes.Prepend(inline.Description).Where(n => !string.IsNullOrEmpty(n)));
            }
            if (SchemaRules.Examples.TryGetValue(typeInfo.Type, out var example))
                schema.Examples = [example()];
            return;
        }

        if (schema.Required is null)
            return;
        foreach (var property in typeInfo.Properties.Where(WrittenOnlyWithValue))
            schema.Required.Remove(property.Name);
    }

    private static bool WrittenOnlyWithValue(JsonPropertyInfo property) =>
        property.AttributeProvider?.GetCustomAttributes(typeof(JsonIgnoreAttribute), inherit: true)
            .OfType<JsonIgnoreAttribute>().Any(a => a.Condition == JsonIgnoreCondition.WhenWritingNull) == true;
}

/// <summary>Small builders for the rules of <see cref="SchemaRules"/>.</summary>
internal static class SchemaRule
{
    public static Action<OpenApiSchema, IServiceProvider> Text(int maxLength, int minLength = 0) => (schema, _) =>
    {
        schema.MaxLength = maxLength;
        if (minLength > 0)
            schema.MinLength = minLength;
    };

    public static Action<OpenApiSchema, IServiceProvider> OneOf<TEnum>() where TEnum : struct, Enum => Values(Enum.GetNames<TEnum>());

    public static Action<OpenApiSchema, IServiceProvider> Values(params string[] values) => (schema, _) => SetEnum(schema, values);

    public static Action<OpenApiSchema, IServiceProvider> Values(Func<IServiceProvider, IEnumerable<string>> values) =>
        (schema, services) => SetEnum(schema, values(services).ToArray());

    public static Action<OpenApiSchema, IServiceProvider> Between(long minimum, long maximum) => (schema, _) =>
    {
        schema.Minimum = minimum.ToString(System.Globalization.CultureInfo.InvariantCulture);
        schema.Maximum = maximum.ToString(System.Globalization.CultureInfo.InvariantCulture);
    };

    public static Action<OpenApiSchema, IServiceProvider> AtLeast(decimal minimum, bool exclusive = false) => (schema, _) =>
    {
        var bound = minimum.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (exclusive)
            schema.ExclusiveMinimum = bound;
        else
            schema.Minimum = bound;
    };

    public static readonly Action<OpenApiSchema, IServiceProvider> Currency = (schema, _) =>
    {
        schema.Pattern = "^[A-Z]{3}$";
        schema.MinLength = 3;
        schema.MaxLength = 3;
        schema.Description = "An ISO 4217 currency code in capitals, e.g. ZAR.";
    };

    public static Action<OpenApiSchema, IServiceProvider> Items(int maxItems) => (schema, _) => schema.MaxItems = maxItems;

    public static Action<OpenApiSchema, IServiceProvider> All(params Action<OpenApiSchema, IServiceProvider>[] rules) =>
        (schema, services) => { foreach (var rule in rules) rule(schema, services); };

    private static void SetEnum(OpenApiSchema schema, string[] values)
    {
        schema.Enum = values.Select(v => (JsonNode)JsonValue.Create(v)!).ToList();
        // A nullable field also takes null (JSON Schema's enum must then list it).
        if (schema.Type is { } type && type.HasFlag(JsonSchemaType.Null))
            schema.Enum.Add(null!);
    }
}
