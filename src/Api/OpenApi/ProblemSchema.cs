using System.Reflection;
using System.Text.Json.Nodes;
using CleanWallet.Domain.Common;
using Microsoft.OpenApi;

namespace CleanWallet.Api.OpenApi;

/// <summary>
/// The one problem+json shape every error answer has (what <see cref="Errors.ProblemResponses"/> writes): RFC 9457's
/// type, title, status, detail and instance, plus the stable <c>code</c>, the <c>requestId</c> (also the X-Request-Id
/// header) and, for 400s, the <c>errors</c> by field. Some codes add fields of their own (e.g. a declined card's
/// <c>paymentId</c> and <c>payment</c>, insufficient funds' <c>required</c> and <c>available</c>), hence open.
/// </summary>
internal static class ProblemSchema
{
    public const string Id = "Problem";
    public const string ContentType = "application/problem+json";

    /// <summary>Every code of <see cref="ErrorCodes"/>, the one catalogue, in declaration order.</summary>
    public static IReadOnlyList<string> CatalogueCodes() => typeof(ErrorCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToList();

    public static OpenApiSchema Create() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An error (RFC 9457 problem details) with a stable machine-readable `code`.",
        Required = new HashSet<string> { "type", "title", "status", "detail", "instance", "code", "requestId" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri", Description = "Names the problem: https://cleanwallet.example/problems/{code with dashes}." },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A short summary of the status." },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "400", Maximum = "599", Description = "The HTTP status." },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong, for a person." },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request path." },
            ["code"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String, Pattern = "^[a-z0-9_]+$",
                Description = "The stable error code a client branches on, one of the catalogue (`x-error-codes`, the README's " +
                    "*Error codes* table): " + string.Join(", ", CatalogueCodes()) + ". A declined card payment or refund may " +
                    "carry the card processor's own plain code instead.",
                Extensions = new Dictionary<string, IOpenApiExtension>
                {
                    ["x-error-codes"] = new JsonNodeExtension(new JsonArray(CatalogueCodes().Select(c => (JsonNode)c!).ToArray())),
                },
            },
            ["requestId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request's id, also sent as X-Request-Id; quote it to support." },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "For validation_failed and malformed_request: the messages by field name ($ for the body as a whole).",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
        },
        AdditionalPropertiesAllowed = true,
        Examples =
        [
            new JsonObject
            {
            ["type"] = "https://cleanwallet.example/problems/insufficient-funds",
            ["title"] = "The request breaks a business rule.",
            ["status"] = 422,
            ["detail"] = "The wallet's available funds do not cover 250.00.",
            ["instance"] = "/api/v1/wallets/3f2b8c1e-4d7a-4b8e-9a51-0c6f1e2d3a4b/payments",
            ["code"] = "insufficient_funds",
            ["requestId"] = "0HNA1B2C3D4E5:00000001",
            },
        ],
    };

    /// <summary>What each error status means here, for the response descriptions.</summary>
    public static string Describe(int status) => status switch
    {
        400 => "Invalid input (`validation_failed` with `errors` by field, `malformed_request`, `invalid_idempotency_key`); nothing was changed.",
        401 => "No valid API key (`unauthorized`): send `Authorization: Bearer <key>`.",
        403 => "The key's role may not call this operation (`forbidden`).",
        404 => "Not found, or not the caller's (`not_found`): another customer's resources are reported missing.",
        409 => "Conflicts with the resource's current state, or with other requests changing it (`concurrent_update`, with `Retry-After`); nothing was changed.",
        413 => "The body is larger than 64 KiB (`payload_too_large`).",
        415 => "The body is not `application/json` (`unsupported_media_type`).",
        422 => "Breaks a business rule (e.g. `insufficient_funds`, `wallet_frozen`, `idempotency_key_reused`); nothing was changed.",
        429 => "Over the key's rate limit (`rate_limited`); retry after the `Retry-After` seconds.",
        500 => "An unexpected error (`internal_error`); nothing was applied. Quote the requestId to support.",
        503 => "A dependency is unavailable (`database_unavailable`, `commit_outcome_unknown`, `payment_gateway_unavailable`); retry after `Retry-After` seconds, with the same Idempotency-Key.",
        _ => "An error.",
    };
}
