using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Application.Wallets;

public static class WalletAccess
{
    /// <summary>Locks the wallet for this transaction; another customer's wallet is reported as missing.</summary>
    public static async Task<Wallet> LockAccessibleAsync(this IWalletStore wallets, Guid walletId, ICallerContext caller, CancellationToken ct) =>
        Accessible(await wallets.FindForUpdateAsync(walletId, ct), walletId, caller);

    /// <summary>
    /// Locks the wallet for a money movement that the stores record (<see cref="IWalletStore.RecordMovement"/>), as
    /// <see cref="LockAccessibleAsync"/> does: another customer's wallet is reported as missing.
    /// </summary>
    public static async Task<Wallet> LockAccessibleForMovementAsync(this IWalletStore wallets, Guid walletId, ICallerContext caller,
        CancellationToken ct) =>
        Accessible(await wallets.FindForMovementAsync(walletId, ct), walletId, caller);

    private static Wallet Accessible(Wallet? wallet, Guid walletId, ICallerContext caller) =>
        wallet is not null && caller.CanAccess(wallet.CustomerId) ? wallet : throw new NotFoundException("Wallet", walletId);

    /// <summary>
    /// Read side: the unfiltered history page of a wallet the caller may see, with the owner check in the same query, or
    /// 404 (a wallet of another customer is reported as missing, exactly like one that does not exist).
    /// </summary>
    public static async Task<WalletLedgerPage> ReadableLedgerPageAsync(this IReadStore store, Guid walletId, ICallerContext caller,
        long? beforeSequence, int skip, int take, CancellationToken ct)
    {
        var page = await store.WalletLedgerPageAsync(walletId, beforeSequence, skip, take, ct);
        if (page is null || !caller.CanAccess(page.CustomerId))
            throw new NotFoundException("Wallet", walletId);
        return page;
    }

    /// <summary>Read side: the owning customer of a wallet the caller may see, or 404.</summary>
    public static async Task EnsureReadableAsync(this IReadStore store, Guid walletId, ICallerContext caller, CancellationToken ct)
    {
        var owner = await store.WalletOwnerAsync(walletId, ct);
        if (owner is null || !caller.CanAccess(owner.Value))
            throw new NotFoundException("Wallet", walletId);
    }
}
