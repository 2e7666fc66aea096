using CleanWallet.Api.OpenApi;
using CleanWallet.Api.Security;
using CleanWallet.Application.Common;
using CleanWallet.Application.Transfers;
using CleanWallet.Application.Transfers.Commands.CreateTransfer;
using CleanWallet.Application.Transfers.Queries.GetTransfer;
using CleanWallet.Application.Transfers.Queries.ListTransfers;
using MediatR;

namespace CleanWallet.Api.Endpoints.Transfers;

public static class TransfersEndpoints
{
    public sealed record TransferRequest(Guid? FromWalletId, Guid? ToWalletId, decimal? Amount, string? Description);

    public static void MapTransfersEndpoints(this IEndpointRouteBuilder api)
    {
        var transfers = api.MapGroup("/transfers").WithTags("Transfers");

        transfers.MapPost("/", async (TransferRequest body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var transfer = await mediator.SendIdempotent(http, new CreateTransferCommand(body.FromWalletId ?? Guid.Empty, body.ToWalletId ?? Guid.Empty,
                    body.Amount ?? 0m, body.Description ?? string.Empty), ct);
                return TypedResults.Created($"/api/v1/transfers/{transfer.Id}", transfer);
            })
            .WithName("CreateTransfer")
            .ProducesProblems(404, 409, 422)
            .RequireAuthorization(Policies.MoneyMovers)
            .AcceptsIdempotencyKey()
            .WithSummary("Move money between two wallets of one currency: a TransferOut and a TransferIn entry, atomically")
            .Produces<TransferDto>(StatusCodes.Status201Created);

        transfers.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetTransferQuery(id), ct)))
            .WithName("GetTransfer")
            .WithSummary("One transfer, for the owner of either wallet")
            .Produces<TransferDto>();

        transfers.MapGet("/", async (IMediator mediator, CancellationToken ct, int? page, int? pageSize, Guid? walletId) =>
                TypedResults.Ok(await mediator.Send(
                    new ListTransfersQuery(page ?? 1, pageSize ?? Paging.DefaultPageSize, walletId), ct)))
            .WithName("ListTransfers")
            .WithSummary("Transfers leaving or reaching the caller's wallets (optionally one wallet), newest first")
            .Produces<PagedResult<TransferDto>>();
    }
}
