using System.Text.Json;
using System.Text.Json.Serialization;
using CleanWallet.Api.Errors;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using CleanWallet.Domain.Common;

namespace CleanWallet.Api.Hosting;

/// <summary>
/// PostgreSQL text cannot hold U+0000, so a NUL in any text the service would store or filter by is refused at the
/// edge with 400 <c>malformed_request</c> naming the field, before anything runs: in JSON bodies by the string
/// converter every request body is read with, in the path and query string by the middleware. One rule for every
/// field, not one per validator.
/// </summary>
public static class NulCharacters
{
    public const string Message = "Text may not contain the NUL character (U+0000).";

    private static bool HasNul(string? text) => text is not null && text.Contains('\0');

    /// <summary>Reads JSON strings as usual but refuses one holding a NUL (the JSON escape \u0000).</summary>
    public sealed class RefusingStringConverter : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Checked(reader.GetString());

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

        public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Checked(reader.GetString())!;

        public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
            writer.WritePropertyName(value);

        private static string? Checked(string? value) => HasNul(value) ? throw new JsonException(Message) : value;
    }

    /// <summary>
    /// The OpenAPI generator cannot see through a custom converter and would describe every text field as "anything":
    /// this keeps them described as strings.
    /// </summary>
    public static OpenApiOptions KeepTextFieldsTypedAsStrings(this OpenApiOptions options) =>
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonTypeInfo.Type == typeof(string) && schema.Type is null)
                schema.Type = JsonSchemaType.String;
            return Task.CompletedTask;
        });

    /// <summary>True when the JSON error is this rule's refusal.</summary>
    public static bool IsRefusal(JsonException exception) => exception.Message.Contains(Message, StringComparison.Ordinal);

    /// <summary>
    /// Refuses a request whose path, query string or form fields (the dashboard's forms), names or values as decoded,
    /// hold a NUL. ASP.NET Core's form reader refuses a NUL itself (InvalidDataException), which would otherwise surface
    /// as a 500 wherever the form is first read; here it is a 400 for the form as a whole.
    /// </summary>
    public static IApplicationBuilder UseNulCharacterRefusal(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var field = await FirstFieldWithNulAsync(context.Request, context.RequestAborted);
            if (field is null)
            {
                await next();
                return;
            }
            await ProblemResponses.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.MalformedRequest, "The request is malformed.",
                new Dictionary<string, string[]> { [field] = [Message] });
        });

    private static async Task<string?> FirstFieldWithNulAsync(HttpRequest request, CancellationToken ct)
    {
        if (HasNul(request.Path.Value))
            return "path";
        if (FirstWithNul(request.Query) is { } parameter)
            return parameter;
        if (!request.HasFormContentType)
            return null;
        try
        {
            return FirstWithNul(await request.ReadFormAsync(ct));
        }
        catch (InvalidDataException)
        {
            return "form";
        }
    }

    private static string? FirstWithNul(IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> fields) =>
        fields.Where(f => HasNul(f.Key) || f.Value.Any(HasNul)).Select(f => f.Key.Replace("\0", string.Empty)).FirstOrDefault();
}
