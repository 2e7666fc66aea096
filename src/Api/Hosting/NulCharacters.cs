using System.Text.Json;
using System.Text.Json.Serialization;
using CleanWallet.Api.Errors;

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

    /// <summary>True when the JSON error is this rule's refusal.</summary>
    public static bool IsRefusal(JsonException exception) => exception.Message.Contains(Message, StringComparison.Ordinal);

    /// <summary>Refuses a request whose path or query string (names or values, as decoded) holds a NUL.</summary>
    public static IApplicationBuilder UseNulCharacterRefusal(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            var field = HasNul(request.Path.Value)
                ? "path"
                : request.Query.Where(q => HasNul(q.Key) || q.Value.Any(HasNul)).Select(q => q.Key.Replace("\0", string.Empty)).FirstOrDefault();
            if (field is null)
            {
                await next();
                return;
            }
            await ProblemResponses.WriteAsync(context, StatusCodes.Status400BadRequest, "malformed_request", "The request is malformed.",
                new Dictionary<string, string[]> { [field] = [Message] });
        });
}
