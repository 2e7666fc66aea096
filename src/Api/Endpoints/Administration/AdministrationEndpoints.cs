using CleanWallet.Api.OpenApi;
using CleanWallet.Api.Security;
using CleanWallet.Application.Administration;
using CleanWallet.Application.Administration.Commands.AdjustWallet;
using CleanWallet.Application.Administration.Commands.SetWalletFrozen;
using CleanWallet.Application.Administration.Queries.GetAdjustment;
using CleanWallet.Application.Administration.Queries.ListAuditLog;
using CleanWallet.Application.Common;
using CleanWallet.Application.Wallets;
using MediatR;

namespace CleanWallet.Api.Endpoints.Administration;

/// <summary>Admin-only corrections of wallets (adjustments, freeze, unfreeze) and the audit log that records them.</summary>
public static class AdministrationEndpoints
{
    public sealed record AdjustmentRequest(string? Direction, decimal? Amount, string? Reason);

    public sealed record WalletStatusChangeRequest(string? Reason);

    public static void MapAdministrationEndpoints(this IEndpointRouteBuilder api)
    {
        var wallets = api.MapGroup("/wallets").WithTags("Administration").RequireAuthorization(Policies.Admin);

        wallets.MapPost("/{id:guid}/adjustments", async (Guid id, AdjustmentRequest body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var adjustment = await mediator.SendIdempotent(http, 
                    new AdjustWalletCommand(id, body.Direction ?? string.Empty, body.Amount ?? 0m, body.Reason ?? string.Empty), ct);
                return TypedResults.Created($"/api/v1/wallets/{id}/adjustments/{adjustment.Id}", adjustment);
            })
            .WithName("AdjustWallet")
            .ProducesProblems(409, 422)
            .AcceptsIdempotencyKey()
            .WithSummary("Credit or debit a wallet with a mandatory reason: an adjustment, its ledger entry and an audit entry, atomically")
            .Produces<AdjustmentDto>(StatusCodes.Status201Created);

        wallets.MapGet("/{id:guid}/adjustments/{adjustmentId:guid}", async (Guid id, Guid adjustmentId, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetAdjustmentQuery(id, adjustmentId), ct)))
            .WithName("GetAdjustment")
            .WithSummary("One adjustment, with the wallet's balance right after it")
            .Produces<AdjustmentDto>();

        // The body is optional: freezing needs no input, a reason is kept in the audit log when given.
        wallets.MapPost("/{id:guid}/freeze", async (Guid id, WalletStatusChangeRequest? body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new SetWalletFrozenCommand(id, Frozen: true, body?.Reason), ct)))
            .WithName("FreezeWallet")
            .ProducesProblems(409)
            .WithSummary("Freeze the wallet: every debit is refused (credits still land) until it is unfrozen")
            .Produces<WalletDto>();

        wallets.MapPost("/{id:guid}/unfreeze", async (Guid id, WalletStatusChangeRequest? body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new SetWalletFrozenCommand(id, Frozen: false, body?.Reason), ct)))
            .WithName("UnfreezeWallet")
            .ProducesProblems(409)
            .WithSummary("Unfreeze the wallet so that it may be debited again")
            .Produces<WalletDto>();

        var admin = api.MapGroup("/admin").WithTags("Administration").RequireAuthorization(Policies.Admin);

        admin.MapGet("/audit", async (IMediator mediator, CancellationToken ct, int? page, int? pageSize, string? action, Guid? targetId,
                    DateTimeOffset? from, DateTimeOffset? to) =>
                TypedResults.Ok(await mediator.Send(
                    new ListAuditLogQuery(page ?? 1, pageSize ?? Paging.DefaultPageSize, action, targetId, from, to), ct)))
            .WithName("ListAuditLog")
            .WithSummary("The audit log of admin actions, newest first")
            .Produces<PagedResult<AuditEntryDto>>();
    }
}
