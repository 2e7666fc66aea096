using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Domain.Holds;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Application.Holds;

public static class HoldAccess
{
    /// <summary>
    /// Locks a hold the caller may settle, then its wallet (the lock order every hold command keeps: hold, then wallet).
    /// Another customer's hold is reported as missing; an order's hold is 409 hold_belongs_to_order.
    /// </summary>
    public static async Task<(Hold Hold, Wallet Wallet)> LockSettleableAsync(this IHoldStore holds, IWalletStore wallets, Guid holdId,
        ICallerContext caller, CancellationToken ct)
    {
        var hold = await holds.FindForUpdateAsync(holdId, ct);
        if (hold is null || !caller.CanAccess(hold.CustomerId))
            throw new NotFoundException("Hold", holdId);
        hold.EnsureSettledByClient();
        var wallet = await wallets.FindForUpdateAsync(hold.WalletId, ct)
                     ?? throw new InvalidOperationException($"Hold {hold.Id} names wallet {hold.WalletId}, which does not exist.");
        return (hold, wallet);
    }
}
