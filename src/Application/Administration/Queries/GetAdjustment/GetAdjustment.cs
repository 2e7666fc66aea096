using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using MediatR;

namespace CleanWallet.Application.Administration.Queries.GetAdjustment;

/// <summary>One adjustment of a wallet, with the wallet's balance right after it (from its ledger entry).</summary>
public sealed record GetAdjustmentQuery(Guid WalletId, Guid AdjustmentId) : IQuery<AdjustmentDto>;

public sealed class GetAdjustmentHandler(IReadStore read) : IRequestHandler<GetAdjustmentQuery, AdjustmentDto>
{
    public async Task<AdjustmentDto> Handle(GetAdjustmentQuery query, CancellationToken cancellationToken) =>
        await read.FirstOrDefaultAsync(
            from a in read.Adjustments
            join e in read.LedgerEntries on a.LedgerEntryId equals e.Id
            join w in read.Wallets on a.WalletId equals w.Id
            where a.WalletId == query.WalletId && a.Id == query.AdjustmentId
            select new AdjustmentDto(a.Id, a.WalletId, a.Direction.ToString(), a.Amount, w.Currency, a.Reason, a.LedgerEntryId,
                e.BalanceAfter, a.CreatedAt),
            cancellationToken)
        ?? throw new NotFoundException("Adjustment", query.AdjustmentId);
}
