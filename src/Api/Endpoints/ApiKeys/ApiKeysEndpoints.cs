using CleanWallet.Api.Security;
using CleanWallet.Application.ApiKeys;
using CleanWallet.Application.ApiKeys.Commands.CreateApiKey;
using CleanWallet.Application.ApiKeys.Commands.RevokeApiKey;
using CleanWallet.Application.ApiKeys.Queries.GetApiKey;
using CleanWallet.Application.ApiKeys.Queries.ListApiKeys;
using CleanWallet.Application.Common;
using MediatR;

namespace CleanWallet.Api.Endpoints.ApiKeys;

/// <summary>Operations and admin keys: issued, listed and revoked by an admin only. Customer keys come with their customer.</summary>
public static class ApiKeysEndpoints
{
    public sealed record CreateApiKeyRequest(string? Name, string? Role);

    public static void MapApiKeysEndpoints(this IEndpointRouteBuilder api)
    {
        var keys = api.MapGroup("/admin/api-keys").WithTags("Operations keys").RequireAuthorization(Policies.Admin);

        // No Idempotency-Key: a replayable answer would mean storing the secret it carries.
        keys.MapPost("/", async (CreateApiKeyRequest body, IMediator mediator, CancellationToken ct) =>
            {
                var created = await mediator.Send(new CreateApiKeyCommand(body.Name ?? string.Empty, body.Role ?? string.Empty), ct);
                return TypedResults.Created($"/api/v1/admin/api-keys/{created.Id}", created);
            })
            .WithSummary("Issue an ops or admin key; the answer holds the key, shown only this once (only its hash is stored)")
            .Produces<CreatedApiKey>(StatusCodes.Status201Created);

        keys.MapGet("/", async (IMediator mediator, CancellationToken ct, int? page, int? pageSize) =>
                TypedResults.Ok(await mediator.Send(new ListApiKeysQuery(page ?? 1, pageSize ?? Paging.DefaultPageSize), ct)))
            .WithSummary("The ops and admin keys, revoked ones included, newest first; never the secrets")
            .Produces<PagedResult<ApiKeyDto>>();

        keys.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetApiKeyQuery(id), ct)))
            .WithSummary("One ops or admin key, without its secret")
            .Produces<ApiKeyDto>();

        keys.MapDelete("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(new RevokeApiKeyCommand(id), ct);
                return TypedResults.NoContent();
            })
            .WithSummary("Revoke the key at once; 404 when unknown (or a customer's key), 409 when already revoked")
            .Produces(StatusCodes.Status204NoContent);
    }
}
