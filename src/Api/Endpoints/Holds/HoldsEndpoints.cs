using CleanWallet.Api.Security;
using CleanWallet.Application.Common;
using CleanWallet.Application.Holds;
using CleanWallet.Application.Holds.Commands.CaptureHold;
using CleanWallet.Application.Holds.Commands.PlaceHold;
using CleanWallet.Application.Holds.Commands.VoidHold;
using CleanWallet.Application.Holds.Queries.GetHold;
using CleanWallet.Application.Holds.Queries.ListHolds;
using CleanWallet.Application.Payments;
using MediatR;

namespace CleanWallet.Api.Endpoints.Holds;

public static class HoldsEndpoints
{
    public sealed record PlaceHoldRequest(decimal? Amount, string? Description, string? Reference, int? ExpiresInSeconds);

    /// <summary>No amount captures the whole hold.</summary>
    public sealed record CaptureHoldRequest(decimal? Amount);

    public static void MapHoldsEndpoints(this IEndpointRouteBuilder api)
    {
        var wallets = api.MapGroup("/wallets").WithTags("Holds");

        wallets.MapPost("/{id:guid}/holds", async (Guid id, PlaceHoldRequest body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var hold = await mediator.SendIdempotent(http, new PlaceHoldCommand(id, body.Amount ?? 0m, body.Description ?? string.Empty, body.Reference,
                    body.ExpiresInSeconds), ct);
                return TypedResults.Created($"/api/v1/holds/{hold.Id}", hold);
            })
            .WithName("PlaceHold")
            .RequireAuthorization(Policies.MoneyMovers)
            .AcceptsIdempotencyKey()
            .WithSummary("Reserve money on the wallet until it is captured, voided or expires")
            .WithDescription(
                "Lowers the wallet's available funds (balance + credit limit - held) by the amount; the balance and the ledger do not " +
                "change. Refused like a payment: 422 insufficient_funds, wallet_frozen, amount_over_limit, daily_limit_exceeded. " +
                "expiresInSeconds defaults to Holds:DefaultExpirySeconds and may be at most Holds:MaxExpirySeconds (400 otherwise).")
            .Produces<HoldDto>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        wallets.MapGet("/{id:guid}/holds", async (Guid id, IMediator mediator, CancellationToken ct, int? page, int? pageSize, string? status) =>
                TypedResults.Ok(await mediator.Send(new ListHoldsQuery(id, page ?? 1, pageSize ?? Paging.DefaultPageSize, status), ct)))
            .WithName("ListHolds")
            .WithSummary("The wallet's holds, newest first, optionally of one status (Active, Captured, Voided, Expired)")
            .Produces<PagedResult<HoldDto>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        var holds = api.MapGroup("/holds").WithTags("Holds");

        holds.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetHoldQuery(id), ct)))
            .WithName("GetHold")
            .WithSummary("One hold")
            .Produces<HoldDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        holds.MapPost("/{id:guid}/capture", async (Guid id, CaptureHoldRequest? body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var payment = await mediator.SendIdempotent(http, new CaptureHoldCommand(id, body?.Amount), ct);
                return TypedResults.Created($"/api/v1/payments/{payment.Id}", payment);
            })
            .WithName("CaptureHold")
            .RequireAuthorization(Policies.MoneyMovers)
            .AcceptsIdempotencyKey()
            .WithSummary("Settle an Active hold with one wallet payment of all of it (no amount) or less (the rest is released)")
            .WithDescription(
                "201 with the Wallet payment, whose holdId names the hold, linked to its one Payment ledger entry. One capture per hold: " +
                "409 hold_not_active when it was captured or voided, 409 hold_expired once it passed its expiry time, 409 " +
                "hold_belongs_to_order for an order's hold; 422 capture_exceeds_hold for more than the hold.")
            .Produces<PaymentDto>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        holds.MapPost("/{id:guid}/void", async (Guid id, IMediator mediator, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await mediator.SendIdempotent(http, new VoidHoldCommand(id), ct)))
            .WithName("VoidHold")
            .RequireAuthorization(Policies.MoneyMovers)
            .AcceptsIdempotencyKey()
            .WithSummary("Release an Active hold without moving money")
            .WithDescription("200 with the Voided hold and the wallet's restored available funds; no ledger entry. 409 hold_not_active / " +
                             "hold_expired when it is no longer Active, 409 hold_belongs_to_order for an order's hold.")
            .Produces<HoldDto>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }
}
