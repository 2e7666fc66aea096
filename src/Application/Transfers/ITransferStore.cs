using CleanWallet.Application.Common.Persistence;
using CleanWallet.Domain.Transfers;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Application.Transfers;

public interface ITransferStore
{
    /// <summary>
    /// Loads both wallets (those that exist) for a money movement and holds a row lock on each until the transaction
    /// ends. The locks are taken in ascending id order as the database orders ids, so two opposite transfers queue
    /// instead of deadlocking. Their changes are not tracked: they are written only by
    /// <see cref="IWalletStore.RecordMovement"/>. When this process committed the last movement of both, they may come from
    /// its copies, with the locks (same order) and the check that each copy is current taken by the commit's writes, as for
    /// <see cref="IWalletStore.FindForMovementAsync"/>.
    /// </summary>
    Task<IReadOnlyList<Wallet>> LockWalletsForMovementInOrderAsync(Guid firstWalletId, Guid secondWalletId, CancellationToken ct);

    /// <summary>
    /// Records a new transfer: inserted when the transaction commits, after both its ledger entries
    /// (<see cref="IWalletStore.RecordMovement"/>, recorded first), without change tracking.
    /// </summary>
    void RecordNew(Transfer transfer);
}
