using CleanWallet.Api.OpenApi;
using CleanWallet.Api.Security;
using CleanWallet.Application.Common;
using CleanWallet.Application.Orders;
using CleanWallet.Application.Orders.Commands.CancelOrder;
using CleanWallet.Application.Orders.Commands.CreateOrder;
using CleanWallet.Application.Orders.Commands.FulfilOrder;
using CleanWallet.Application.Orders.Commands.ReturnOrder;
using CleanWallet.Application.Orders.Queries.GetOrder;
using CleanWallet.Application.Orders.Queries.ListOrders;
using CleanWallet.Application.Common.Security;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Domain.Orders;
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

        orders.MapPost("/", async (OrderRequest body, IMediator mediator, ICallerContext caller, ILoggerFactory loggers, HttpContext http, CancellationToken ct) =>
            {
                var lease = Guid.NewGuid();
                var placed = await mediator.SendIdempotent(http, new CreateOrderCommand(body.WalletId ?? Guid.Empty, body.Amount ?? 0m,
                    body.Description ?? string.Empty, body.Items, lease), ct);
                var answer = caller.IdempotencyKey is { } key ? new IdempotentAnswer(caller.CallerId, key) : null;
                return TypedResults.Created($"/api/v1/orders/{placed.Id}", await FulfilAsync(mediator, placed, lease, answer, loggers));
            })
            .WithName("CreateOrder")
            .ProducesProblems(404, 409, 422)
            .RequireAuthorization(Policies.MoneyMovers)
            .AcceptsIdempotencyKey()
            .WithSummary("Place an order on a hold of its amount, then fulfil it")
            .WithDescription(
                "The order (Fulfilling) and a hold of its amount on the wallet are written in one transaction, under the same rules as a " +
                "payment (422 insufficient_funds / wallet_frozen / amount_over_limit / daily_limit_exceeded and nothing written when " +
                "refused; 422 amount_mismatch when items are given and their price × quantity does not add up to the amount). The " +
                "fulfilment service is called after that commits. The answer is 201 with the order as it stands then: Completed (the " +
                "hold captured: one Payment entry, paymentId), Failed (the hold voided: no ledger entry, nothing to refund), or still " +
                "Fulfilling when the service gave no definite answer (the amount stays held; the order-recovery job asks again). A " +
                "replay with the same Idempotency-Key moves no money and answers the recorded outcome.")
            .Produces<OrderDto>(StatusCodes.Status201Created);

        orders.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetOrderQuery(id), ct)))
            .WithName("GetOrder")
            .WithSummary("One order, with its payment's refund state")
            .Produces<OrderDto>();

        orders.MapGet("/", async (IMediator mediator, CancellationToken ct, int? page, int? pageSize, string? status) =>
                TypedResults.Ok(await mediator.Send(new ListOrdersQuery(page ?? 1, pageSize ?? Paging.DefaultPageSize, status), ct)))
            .WithName("ListOrders")
            .WithSummary("Orders, newest first, optionally of one status")
            .Produces<PagedResult<OrderDto>>();

        orders.MapPost("/{id:guid}/cancel", async (Guid id, CancelRequest? body, IMediator mediator, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await mediator.SendIdempotent(http, new CancelOrderCommand(id, body?.Reason), ct)))
            .WithName("CancelOrder")
            .ProducesProblems(409, 422)
            .RequireAuthorization(Policies.MoneyMovers)
            .AcceptsIdempotencyKey()
            .WithSummary("Cancel a Completed order within the cancellation window, with a full refund to the wallet (409 order_in_fulfilment while Fulfilling)")
            .Produces<OrderDto>();

        orders.MapPost("/{id:guid}/returns", async (Guid id, ReturnRequest body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var returned = await mediator.SendIdempotent(http, new ReturnOrderCommand(id, body.Amount, body.Reason ?? string.Empty), ct);
                return TypedResults.Created($"/api/v1/payments/{returned.Order.PaymentId}/refunds/{returned.RefundId}", returned);
            })
            .WithName("ReturnOrder")
            .ProducesProblems(409, 422)
            .RequireAuthorization(Policies.MoneyMovers)
            .AcceptsIdempotencyKey()
            .WithSummary("Return all (no amount) or part of a Completed order; the amount is refunded to the wallet")
            .Produces<OrderReturnDto>(StatusCodes.Status201Created);
    }

    /// <summary>
    /// The second step, after the order and its hold committed. A replay whose stored answer is already an outcome answers
    /// it. Otherwise fulfilment is asked under the request's lease (a replay's new lease wins only once the first one has
    /// passed). Not tied to the request's cancellation: a client that hangs up must not leave its order to recovery when it
    /// can be finished now (the calls are time-limited). Should recording the outcome itself fail, the order is answered
    /// Fulfilling and the order-recovery job finishes it.
    /// </summary>
    private static async Task<OrderDto> FulfilAsync(IMediator mediator, OrderDto placed, Guid lease, IdempotentAnswer? answer,
        ILoggerFactory loggers)
    {
        if (placed.Status != nameof(OrderStatus.Fulfilling))
            return placed;
        try
        {
            return (await mediator.Send(new FulfilOrderCommand(placed.Id, lease, answer), CancellationToken.None)).Order;
        }
        catch (Exception ex)
        {
            loggers.CreateLogger(typeof(OrdersEndpoints)).LogError(ex,
                "Fulfilling order {OrderId} failed after its hold was placed; the order-recovery job will take it up", placed.Id);
            return placed;
        }
    }
}
