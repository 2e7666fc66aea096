using CleanWallet.Api.OpenApi;
using CleanWallet.Api.Security;
using CleanWallet.Application.Payments;
using CleanWallet.Application.Payments.Commands.RefundPayment;
using CleanWallet.Application.Payments.Queries.GetRefund;
using CleanWallet.Application.Payments.Queries.ListRefunds;
using MediatR;

namespace CleanWallet.Api.Endpoints.Payments;

public static class RefundsEndpoints
{
    /// <summary>No amount refunds whatever is still refundable.</summary>
    public sealed record RefundRequest(decimal? Amount, string? Reason);

    public static void MapRefundsEndpoints(this IEndpointRouteBuilder api)
    {
        var refunds = api.MapGroup("/payments/{id:guid}/refunds").WithTags("Payments");

        refunds.MapPost("/", async (Guid id, RefundRequest body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var refund = await mediator.SendIdempotent(http, new RefundPaymentCommand(id, body.Amount, body.Reason ?? string.Empty), ct);
                return TypedResults.Created($"/api/v1/payments/{id}/refunds/{refund.Id}", refund);
            })
            .WithName("RefundPayment")
            .ProducesProblems(409, 422)
            .RequireAuthorization(Policies.Admin)
            .AcceptsIdempotencyKey()
            .WithSummary("Refund a payment, fully (no amount) or partly, to where the money came from; audited")
            .Produces<RefundDto>(StatusCodes.Status201Created);

        refunds.MapGet("/", async (Guid id, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListRefundsQuery(id), ct)))
            .WithName("ListRefunds")
            .WithSummary("The payment's refunds, oldest first")
            .Produces<RefundList>();

        refunds.MapGet("/{refundId:guid}", async (Guid id, Guid refundId, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetRefundQuery(id, refundId), ct)))
            .WithName("GetRefund")
            .WithSummary("One refund of the payment")
            .Produces<RefundDto>();
    }
}
