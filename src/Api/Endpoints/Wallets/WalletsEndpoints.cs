using CleanWallet.Api.Endpoints.Payments;
using CleanWallet.Api.OpenApi;
using CleanWallet.Api.Security;
using CleanWallet.Application.Common;
using CleanWallet.Application.Payments;
using CleanWallet.Application.Wallets;
using CleanWallet.Application.Wallets.Commands.PayFromWallet;
using CleanWallet.Application.Wallets.Commands.TopUpWallet;
using CleanWallet.Application.Wallets.Queries.GetWallet;
using CleanWallet.Application.Wallets.Queries.GetWalletTransaction;
using CleanWallet.Application.Wallets.Queries.ListWallets;
using CleanWallet.Application.Wallets.Queries.ListWalletTransactions;
using MediatR;

namespace CleanWallet.Api.Endpoints.Wallets;

public static class WalletsEndpoints
{
    public sealed record TopUpRequest(decimal? Amount, string? CardToken);

    public sealed record WalletPaymentRequest(decimal? Amount, string? Description, string? Reference);

    public static void MapWalletsEndpoints(this IEndpointRouteBuilder api)
    {
        var wallets = api.MapGroup("/wallets").WithTags("Wallets");

        wallets.MapGet("/", async (IMediator mediator, CancellationToken ct, int? page, int? pageSize, Guid? customerId) =>
                TypedResults.Ok(await mediator.Send(new ListWalletsQuery(page ?? 1, pageSize ?? Paging.DefaultPageSize, customerId), ct)))
            .WithName("ListWallets")
            .WithSummary("Wallets oldest first: a customer's own (a customerId filter of another customer matches none); staff see all")
            .Produces<PagedResult<WalletDto>>();

        wallets.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetWalletQuery(id), ct)))
            .WithName("GetWallet")
            .WithSummary("Balance, available funds, currency, status and credit limit")
            .Produces<WalletDto>();

        wallets.MapGet("/{id:guid}/transactions",
                async (Guid id, IMediator mediator, CancellationToken ct, int? page, int? pageSize, string? type, DateTimeOffset? from,
                        DateTimeOffset? to, string? referenceType, long? after) =>
                    TypedResults.Ok(await mediator.Send(
                        new ListWalletTransactionsQuery(id, page ?? 1, pageSize ?? Paging.DefaultPageSize, type, from, to, referenceType, after), ct)))
            .WithName("ListWalletTransactions")
            .WithSummary("The wallet's ledger, newest first; page by number or by the 'after' cursor (nextCursor)")
            .Produces<LedgerPage>();

        wallets.MapGet("/{id:guid}/transactions/{entryId:guid}", async (Guid id, Guid entryId, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetWalletTransactionQuery(id, entryId), ct)))
            .WithName("GetWalletTransaction")
            .WithSummary("One ledger entry")
            .Produces<LedgerEntryDto>();

        wallets.MapPost("/{id:guid}/top-ups", async (Guid id, TopUpRequest body, IMediator mediator, HttpContext http, CancellationToken ct) =>
                PaymentResults.Created(http, await mediator.SendIdempotent(http,
                    new TopUpWalletCommand(id, body.Amount ?? 0m, body.CardToken ?? string.Empty), ct)))
            .WithName("TopUpWallet")
            .ProducesProblems(409, 422)
            .RequireAuthorization(Policies.MoneyMovers)
            .AcceptsIdempotencyKey()
            .WithSummary("Card top-up: a Deposit entry linked to a Card payment record")
            .Produces<PaymentDto>(StatusCodes.Status201Created)
            .Produces<PaymentDto>(StatusCodes.Status202Accepted);

        wallets.MapPost("/{id:guid}/payments", async (Guid id, WalletPaymentRequest body, IMediator mediator, HttpContext http, CancellationToken ct) =>
                PaymentResults.Created(http, await mediator.SendIdempotent(http,
                    new PayFromWalletCommand(id, body.Amount ?? 0m, body.Description ?? string.Empty, body.Reference), ct)))
            .WithName("PayFromWallet")
            .ProducesProblems(409, 422)
            .RequireAuthorization(Policies.MoneyMovers)
            .AcceptsIdempotencyKey()
            .WithSummary("Pay from the wallet: a Wallet payment record and its Payment entry, atomically")
            .Produces<PaymentDto>(StatusCodes.Status201Created);
    }
}
