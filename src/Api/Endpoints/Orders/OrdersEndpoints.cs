using CleanWallet.Api.Security;
using CleanWallet.Application.Common;
using CleanWallet.Application.Orders;
using CleanWallet.Application.Orders.Commands.CancelOrder;
using CleanWallet.Application.Orders.Commands.CreateOrder;
using CleanWallet.Application.Orders.Commands.FulfilOrder;
using CleanWallet.Application.Orders.Commands.ReturnOrder;
using CleanWallet.Application.Orders.Queries.GetOrder;
using CleanWallet.Application.Orders.Queries.ListOrders;
using MediatR;

namespace CleanWallet.Api.Endpoints.Orders;

public static class OrdersEndpoints
{
    public sealed record OrderRequest(Guid? WalletId, decimal? Amount, string? Description, OrderItemInput?[]? Items);

    public sealed record CancelRequest(string? Reason);

    /// <summary>No amount returns whatever is left of the order.</summary>
    public sealed record ReturnRequest(decimal? Amount, string? Reason);

    public static void MapOrdersEndpoints(this IEndpointRouteBuilder api)
    {
        var orders = api.MapGroup("/orders").WithTags("Orders");

        orders.MapPost("/", async (OrderRequest body, IMediator mediator, ILoggerFactory loggers, CancellationToken ct) =>
            {
                var paid = await mediator.Send(new CreateOrderCommand(body.WalletId ?? Guid.Empty, body.Amount ?? 0m,
                    body.Description ?? string.Empty, body.Items), ct);
                return TypedResults.Created($"/api/v1/orders/{paid.Id}", await FulfilAsync(mediator, paid, loggers));
            })
            .RequireAuthorization(Policies.MoneyMovers)
            .AcceptsIdempotencyKey()
            .WithSummary("Place and pay for an order from a wallet, then fulfil it")
            .WithDescription(
                "The order, its wallet payment and the Payment ledger entry are written in one transaction (422 insufficient_funds / " +
                "wallet_frozen and nothing written when refused). The fulfilment service is called after that commits. The answer is " +
                "201 with the order as it stands then: Completed with its fulfilmentId, or Failed with the payment already refunded " +
                "to the wallet (paymentStatus Refunded) — a failed fulfilment is still a 201, since the order exists. A replay with the " +
                "same Idempotency-Key moves no money and calls no service again; it answers the order as it stands now.")
            .Produces<OrderDto>(StatusCodes.Status201Created);

        orders.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetOrderQuery(id), ct)))
            .WithSummary("One order, with its payment's refund state")
            .Produces<OrderDto>();

        orders.MapGet("/", async (IMediator mediator, CancellationToken ct, int? page, int? pageSize, string? status) =>
                TypedResults.Ok(await mediator.Send(new ListOrdersQuery(page ?? 1, pageSize ?? Paging.DefaultPageSize, status), ct)))
            .WithSummary("Orders, newest first, optionally of one status")
            .Produces<PagedResult<OrderDto>>();

        orders.MapPost("/{id:guid}/cancel", async (Guid id, CancelRequest? body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new CancelOrderCommand(id, body?.Reason), ct)))
            .RequireAuthorization(Policies.MoneyMovers)
            .AcceptsIdempotencyKey()
            .WithSummary("Cancel a Paid order, or a Completed one within the cancellation window, with a full refund to the wallet")
            .Produces<OrderDto>();

        orders.MapPost("/{id:guid}/returns", async (Guid id, ReturnRequest body, IMediator mediator, CancellationToken ct) =>
            {
                var returned = await mediator.Send(new ReturnOrderCommand(id, body.Amount, body.Reason ?? string.Empty), ct);
                return TypedResults.Created($"/api/v1/payments/{returned.Order.PaymentId}/refunds/{returned.RefundId}", returned);
            })
            .RequireAuthorization(Policies.MoneyMovers)
            .AcceptsIdempotencyKey()
            .WithSummary("Return all (no amount) or part of a Completed order; the amount is refunded to the wallet")
            .Produces<OrderReturnDto>(StatusCodes.Status201Created);
    }

    /// <summary>
    /// The second step, after the payment committed. Not tied to the request's cancellation: a client that hangs up
    /// must not leave its paid order to the recovery step when it can be finished now (the calls are time-limited).
    /// Should recording the outcome itself fail, the order is answered as paid and the recovery step finishes it.
    /// </summary>
    private static async Task<OrderDto> FulfilAsync(IMediator mediator, OrderDto paid, ILoggerFactory loggers)
    {
        try
        {
            return await mediator.Send(new FulfilOrderCommand(paid.Id), CancellationToken.None);
        }
        catch (Exception ex)
        {
            loggers.CreateLogger(typeof(OrdersEndpoints)).LogError(ex,
                "Fulfilling order {OrderId} failed after it was paid; the recovery step will take it up", paid.Id);
            return paid;
        }
    }
}
