using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using MediatR;

namespace CleanWallet.Application.Wallets.Queries.GetWalletTransaction;

public sealed record GetWalletTransactionQuery(Guid WalletId, Guid EntryId) : IQuery<LedgerEntryDto>;

public sealed class GetWalletTransactionHandler(IReadStore read, ICallerContext caller)
    : IRequestHandler<GetWalletTransactionQuery, LedgerEntryDto>
{
    public async Task<LedgerEntryDto> Handle(GetWalletTransactionQuery query, CancellationToken cancellationToken)
    {
        await read.EnsureReadableAsync(query.WalletId, caller, cancellationToken);
        return await read.FirstOrDefaultAsync(
                   read.LedgerEntries.Where(e => e.WalletId == query.WalletId && e.Id == query.EntryId).Select(LedgerEntryDto.Projection),
                   cancellationToken)
               ?? throw new NotFoundException("Ledger entry", query.EntryId);
    }
}
