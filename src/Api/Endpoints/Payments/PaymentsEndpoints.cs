using CleanWallet.Api.OpenApi;
using CleanWallet.Api.Security;
using CleanWallet.Application.Common;
using CleanWallet.Application.Payments;
using CleanWallet.Application.Payments.Commands.PayByCard;
using CleanWallet.Application.Payments.Queries.GetPayment;
using CleanWallet.Application.Payments.Queries.ListPayments;
using MediatR;

namespace CleanWallet.Api.Endpoints.Payments;

public static class PaymentsEndpoints
{
    public sealed record CardPaymentRequest(decimal? Amount, string? Currency, string? CardToken, string? Description, Guid? CustomerId);

    public static void MapPaymentsEndpoints(this IEndpointRouteBuilder api)
    {
        var payments = api.MapGroup("/payments").WithTags("Payments");

        payments.MapPost("/card", async (CardPaymentRequest body, IMediator mediator, HttpContext http, CancellationToken ct) =>
                PaymentResults.Created(http, await mediator.SendIdempotent(http,
                    new PayByCardCommand(body.Amount ?? 0m, body.Currency ?? string.Empty, body.CardToken ?? string.Empty,
                        body.Description ?? string.Empty, body.CustomerId), ct)))
            .WithName("PayByCard")
            .ProducesProblems(404, 409, 422)
            .RequireAuthorization(Policies.MoneyMovers)
            .AcceptsIdempotencyKey()
            .WithSummary("Direct card payment: a payment record and a card charge, no wallet movement")
            .Produces<PaymentDto>(StatusCodes.Status201Created)
            .Produces<PaymentDto>(StatusCodes.Status202Accepted);

        payments.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetPaymentQuery(id), ct)))
            .WithName("GetPayment")
            .WithSummary("One payment")
            .Produces<PaymentDto>();

        payments.MapGet("/", async (IMediator mediator, CancellationToken ct, int? page, int? pageSize, Guid? walletId, string? status) =>
                TypedResults.Ok(await mediator.Send(
                    new ListPaymentsQuery(page ?? 1, pageSize ?? Paging.DefaultPageSize, walletId, status), ct)))
            .WithName("ListPayments")
            .WithSummary("Payments, newest first")
            .Produces<PagedResult<PaymentDto>>();
    }
}
