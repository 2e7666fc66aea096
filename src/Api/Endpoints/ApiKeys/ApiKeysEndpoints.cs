using CleanWallet.Api.OpenApi;
using CleanWallet.Api.Security;
using CleanWallet.Application.ApiKeys;
using CleanWallet.Application.ApiKeys.Commands.CreateApiKey;
using CleanWallet.Application.ApiKeys.Commands.RevokeApiKey;
using CleanWallet.Application.ApiKeys.Queries.GetApiKey;
using CleanWallet.Application.ApiKeys.Queries.ListApiKeys;
using CleanWallet.Application.Common;
using MediatR;

namespace CleanWallet.Api.Endpoints.ApiKeys;

/// <summary>
/// One key life cycle (issue, list, read, revoke) in two scopes: the operations and admin keys under /admin/api-keys,
/// managed by an admin only; a customer's keys under /customers/{id}/api-keys, managed by that customer or an admin
/// (never an ops key), another customer's keys being a 404.
/// </summary>
public static class ApiKeysEndpoints
{
    public sealed record CreateApiKeyRequest(string? Name, string? Role);

    public sealed record CreateCustomerApiKeyRequest(string? Name);

    /// <summary>How a group of routes names its keys: the staff keys, or the keys of the customer in the route.</summary>
    private sealed record Scope(string Name, string Whose, string RevokeConflicts, Func<HttpContext, Guid?> CustomerId);

    private static readonly Scope StaffScope = new("Staff", "ops and admin", "409 when already revoked", _ => null);

    private static readonly Scope CustomerScope = new("Customer", "the customer's",
        "409 when already revoked, or when the customer itself revokes its last active key (an admin may)",
        http => Guid.Parse((string)http.GetRouteValue("customerId")!));

    public static void MapApiKeysEndpoints(this IEndpointRouteBuilder api)
    {
        var staff = api.MapGroup("/admin/api-keys").WithTags("Operations keys").RequireAuthorization(Policies.Admin);
        // No Idempotency-Key: a replayable answer would mean storing the secret it carries.
        staff.MapPost("/", async (CreateApiKeyRequest body, IMediator mediator, CancellationToken ct) =>
            {
                var created = await mediator.Send(new CreateApiKeyCommand(body.Name ?? string.Empty, body.Role ?? string.Empty), ct);
                return TypedResults.Created($"/api/v1/admin/api-keys/{created.Id}", created);
            })
            .WithName("CreateStaffApiKey")
            .WithSummary("Issue an ops or admin key; the answer holds the key, shown only this once (only its hash is stored)")
            .Produces<CreatedApiKey>(StatusCodes.Status201Created);
        MapReadAndRevoke(staff, StaffScope);

        var customer = api.MapGroup("/customers/{customerId:guid}/api-keys").WithTags("Customer keys")
            .RequireAuthorization(Policies.MoneyMovers);
        customer.MapPost("/", async (Guid customerId, CreateCustomerApiKeyRequest body, IMediator mediator, CancellationToken ct) =>
            {
                var created = await mediator.Send(new CreateApiKeyCommand(body.Name ?? string.Empty, Role: null, customerId), ct);
                return TypedResults.Created($"/api/v1/customers/{customerId}/api-keys/{created.Id}", created);
            })
            .WithName("CreateCustomerApiKey")
            .ProducesProblems(422)
            .WithSummary("Issue the customer another key (to rotate: issue, switch, revoke the old one); shown only this once")
            .Produces<CreatedApiKey>(StatusCodes.Status201Created);
        MapReadAndRevoke(customer, CustomerScope);
    }

    private static void MapReadAndRevoke(RouteGroupBuilder keys, Scope scope)
    {
        keys.MapGet("/", async (HttpContext http, IMediator mediator, CancellationToken ct, int? page, int? pageSize) =>
                TypedResults.Ok(await mediator.Send(new ListApiKeysQuery(page ?? 1, pageSize ?? Paging.DefaultPageSize, scope.CustomerId(http)), ct)))
            .WithName($"List{scope.Name}ApiKeys")
            .WithSummary($"List {scope.Whose} keys, revoked ones included, newest first; never the secrets")
            .Produces<PagedResult<ApiKeyDto>>();

        keys.MapGet("/{id:guid}", async (Guid id, HttpContext http, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetApiKeyQuery(id, scope.CustomerId(http)), ct)))
            .WithName($"Get{scope.Name}ApiKey")
            .WithSummary($"One of {scope.Whose} keys, without its secret")
            .Produces<ApiKeyDto>();

        keys.MapDelete("/{id:guid}", async (Guid id, HttpContext http, IMediator mediator, ApiKeyCache cache, CancellationToken ct) =>
            {
                await mediator.Send(new RevokeApiKeyCommand(id, scope.CustomerId(http)), ct);
                // Committed: this node stops accepting the key from the next request. The others evict it when they hear the
                // NOTIFY the api_keys trigger sent in the revoking transaction (nothing to announce here), or stop using their
                // cache within ApiKeyCache:MaxStalenessSeconds if they cannot prove they hear (ApiKeyRevocationListener).
                cache.Evict(id);
                return TypedResults.NoContent();
            })
            .WithName($"Revoke{scope.Name}ApiKey")
            .ProducesProblems(409)
            .WithSummary($"Revoke one of {scope.Whose} keys at once; 404 when unknown or another scope's, {scope.RevokeConflicts}")
            .Produces(StatusCodes.Status204NoContent);
    }
}
