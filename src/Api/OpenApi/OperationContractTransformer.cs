using System.Text.Json.Nodes;
using CleanWallet.Api.Endpoints;
using CleanWallet.Api.Security;
using CleanWallet.Domain.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CleanWallet.Api.OpenApi;

/// <summary>
/// Completes every operation from what its endpoint really does: the roles that may call it (from its authorization
/// policies, in the description and as <c>x-roles</c>), the <c>Idempotency-Key</c> header where the endpoint takes one,
/// every error status it can answer (each with the one <see cref="ProblemSchema"/>), and the response headers
/// (X-Request-Id on all, Location on 201/202, Idempotent-Replayed on replayable answers, Retry-After on 429/503).
/// </summary>
internal sealed class OperationContractTransformer : IOpenApiOperationTransformer
{
    private static readonly string[] AllRoles = [nameof(ApiKeyRole.Admin), nameof(ApiKeyRole.Ops), nameof(ApiKeyRole.Customer)];

    private static readonly Dictionary<string, string[]> RolesByPolicy = new()
    {
        [Policies.Admin] = [nameof(ApiKeyRole.Admin)],
        [Policies.Staff] = [nameof(ApiKeyRole.Admin), nameof(ApiKeyRole.Ops)],
        [Policies.MoneyMovers] = [nameof(ApiKeyRole.Admin), nameof(ApiKeyRole.Customer)],
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var document = context.Document!;
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var idempotent = metadata.OfType<IdempotencyKeyMetadata>().Any();
        var hasBody = description.ParameterDescriptions.Any(p => p.Source == BindingSource.Body);
        var hasQuery = description.ParameterDescriptions.Any(p => p.Source == BindingSource.Query);
        var pathParameters = description.ParameterDescriptions.Where(p => p.Source == BindingSource.Path).ToList();

        // A route value the handler reads itself (not as a parameter) is still a path parameter of the operation.
        operation.Parameters ??= [];
        foreach (var segment in (description.RelativePath ?? string.Empty).Split('/').Where(s => s.StartsWith('{') && s.EndsWith('}')))
        {
            var name = segment.Trim('{', '}').Split(':')[0];
            if (!operation.Parameters.Any(p => p.In == ParameterLocation.Path && p.Name == name))
                operation.Parameters.Insert(0, new OpenApiParameter
                {
                    Name = name, In = ParameterLocation.Path, Required = true,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" },
                });
        }

        foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>().Where(p => p.In == ParameterLocation.Query))
            QueryParameterRules.Apply(operation.OperationId, parameter);

        var roles = anonymous ? [] : RolesFor(metadata);
        if (!anonymous)
        {
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions["x-roles"] = new JsonNodeExtension(new JsonArray(roles.Select(r => (JsonNode)r!).ToArray()));
            var who = $"**Roles:** {string.Join(", ", roles)}.";
            operation.Description = string.IsNullOrEmpty(operation.Description) ? who : $"{operation.Description}\n\n{who}";
        }

        if (idempotent)
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "Idempotency-Key",
                In = ParameterLocation.Header,
                Required = false,
                Description = "Makes the request safe to retry: the same key with the same request is applied once and its first answer " +
                              "replayed (with `Idempotent-Replayed: true`); the same key with another request is a 422 " +
                              "`idempotency_key_reused`. 1 to 255 visible ASCII characters.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = IdempotencyFilter.MaxKeyLength, Pattern = "^[!-~]+$" },
                Example = JsonValue.Create("5f0c7a3e-order-1042"),
            });
        }

        var errors = new SortedSet<int> { 429, 500, 503 };
        if (!anonymous)
        {
            errors.Add(401);
            if (roles.Length < AllRoles.Length)
                errors.Add(403);
        }
        if (hasBody || hasQuery || idempotent || pathParameters.Any(p => p.Type == typeof(string)))
            errors.Add(400);
        if (operation.Parameters.Any(p => p.In == ParameterLocation.Path))
            errors.Add(404);
        if (hasBody)
        {
            errors.Add(413);
            errors.Add(415);
        }
        if (idempotent)
            errors.Add(422);

        operation.Responses ??= [];
        foreach (var (status, response) in operation.Responses.ToList())
        {
            if (int.TryParse(status, out var code) && code >= 400)
            {
                errors.Add(code);
                operation.Responses.Remove(status);
            }
            else if (response is OpenApiResponse success)
            {
                success.Headers ??= new Dictionary<string, IOpenApiHeader>();
                success.Headers["X-Request-Id"] = RequestIdHeader();
                if (status is "201" or "202")
                    success.Headers["Location"] = new OpenApiHeader
                    {
                        Description = "Where the created (or, for a 202, the pending) resource can be read.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference" },
                    };
                if (idempotent)
                    success.Headers["Idempotent-Replayed"] = ReplayedHeader();
            }
        }

        foreach (var status in errors)
            operation.Responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = ProblemResponse(status, idempotent, document);

        return Task.CompletedTask;
    }

    private static string[] RolesFor(IList<object> metadata)
    {
        IEnumerable<string> roles = AllRoles;
        foreach (var policy in metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>())
            if (RolesByPolicy.TryGetValue(policy, out var allowed))
                roles = roles.Intersect(allowed);
        return roles.ToArray();
    }

    private static OpenApiResponse ProblemResponse(int status, bool idempotent, OpenApiDocument document)
    {
        var response = new OpenApiResponse
        {
            Description = ProblemSchema.Describe(status),
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [ProblemSchema.ContentType] = new() { Schema = new OpenApiSchemaReference(ProblemSchema.Id, document) },
            },
            Headers = new Dictionary<string, IOpenApiHeader> { ["X-Request-Id"] = RequestIdHeader() },
        };
        if (status is 429 or 503)
            response.Headers["Retry-After"] = new OpenApiHeader
            {
                Description = "Seconds to wait before retrying.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
            };
        if (idempotent && status is 409 or 422)
            response.Headers["Idempotent-Replayed"] = ReplayedHeader();
        return response;
    }

    private static OpenApiHeader RequestIdHeader() => new()
    {
        Description = "The request's id (also the problem's requestId); quote it to support.",
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };

    private static OpenApiHeader ReplayedHeader() => new()
    {
        Description = "`true` when this is the stored answer of an earlier request with the same Idempotency-Key (nothing was applied again).",
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("true")!] },
    };
}
