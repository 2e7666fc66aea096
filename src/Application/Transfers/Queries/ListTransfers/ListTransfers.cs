using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using MediatR;

namespace CleanWallet.Application.Transfers.Queries.ListTransfers;

/// <summary>Transfers newest first, optionally those leaving or reaching one wallet; a customer sees only those touching its wallets.</summary>
public sealed record ListTransfersQuery(int Page, int PageSize, Guid? WalletId)
    : IQuery<PagedResult<TransferDto>>, IPagedQuery;

public sealed class ListTransfersHandler(IReadStore read, ICallerContext caller)
    : IRequestHandler<ListTransfersQuery, PagedResult<TransferDto>>
{
    public async Task<PagedResult<TransferDto>> Handle(ListTransfersQuery query, CancellationToken cancellationToken)
    {
        var transfers = read.Transfers.VisibleTo(read, caller);
        if (query.WalletId is { } walletId)
            transfers = transfers.Where(t => t.FromWalletId == walletId || t.ToWalletId == walletId);

        var total = await read.CountAsync(transfers, cancellationToken);
        var items = await read.ToListAsync(
            transfers.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id).TakePage(query).Select(TransferDto.Projection),
            cancellationToken);
        return new PagedResult<TransferDto>(items, query.Page, query.PageSize, total);
    }
}
