using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Domain.Holds;
using MediatR;

namespace CleanWallet.Application.Holds.Commands.ExpireHold;

/// <summary>Releases one hold past its expiry time; false when a capture or void settled it first (or an order owns it).</summary>
public sealed record ExpireHoldCommand(Guid HoldId) : ICommand<bool>;

public sealed class ExpireHoldHandler(IHoldStore holds, IWalletStore wallets, TimeProvider clock) : IRequestHandler<ExpireHoldCommand, bool>
{
    public async Task<bool> Handle(ExpireHoldCommand command, CancellationToken cancellationToken)
    {
        var hold = await holds.FindForUpdateAsync(command.HoldId, cancellationToken) ?? throw new NotFoundException("Hold", command.HoldId);
        if (hold.Status != HoldStatus.Active || hold.OrderId is not null)
            return false;
        var wallet = await wallets.FindForUpdateAsync(hold.WalletId, cancellationToken)
                     ?? throw new InvalidOperationException($"Hold {hold.Id} names wallet {hold.WalletId}, which does not exist.");
        var now = clock.StorableNow(); // under both locks, after any capture that held them
        if (!hold.IsExpiredAt(now))
            return false;
        wallet.ExpireHold(hold, now);
        return true;
    }
}
