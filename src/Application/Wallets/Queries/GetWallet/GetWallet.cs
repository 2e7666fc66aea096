using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using MediatR;

namespace CleanWallet.Application.Wallets.Queries.GetWallet;

public sealed record GetWalletQuery(Guid WalletId) : IQuery<WalletDto>;

public sealed class GetWalletHandler(IReadStore read, ICallerContext caller) : IRequestHandler<GetWalletQuery, WalletDto>
{
    public async Task<WalletDto> Handle(GetWalletQuery query, CancellationToken cancellationToken)
    {
        var wallet = await read.WalletAsync(query.WalletId, cancellationToken);
        return wallet is not null && caller.CanAccess(wallet.CustomerId) ? wallet : throw new NotFoundException("Wallet", query.WalletId);
    }
}
