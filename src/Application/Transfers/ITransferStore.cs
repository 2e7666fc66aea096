using CleanWallet.Domain.Transfers;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Application.Transfers;

public interface ITransferStore
{
    /// <summary>
    /// Loads both wallets (those that exist) and holds a row lock on each until the transaction ends. The locks
    /// are taken in ascending id order as the database orders ids, so two opposite transfers queue instead of
    /// deadlocking.
    /// </summary>
    Task<IReadOnlyList<Wallet>> LockWalletsInOrderAsync(Guid firstWalletId, Guid secondWalletId, CancellationToken ct);

    void Add(Transfer transfer);
}
