using CleanWallet.Domain.Wallets;

namespace CleanWallet.Application.Common.Persistence;

public interface IWalletStore
{
    /// <summary>Loads the wallet and holds a row lock on it until the transaction ends.</summary>
    Task<Wallet?> FindForUpdateAsync(Guid walletId, CancellationToken ct);

    /// <summary>
    /// Loads the wallet for a money movement and holds a row lock on it until the transaction ends. Its changes are not
    /// tracked: they are written only by <see cref="RecordMovement"/>.
    /// </summary>
    Task<Wallet?> FindForMovementAsync(Guid walletId, CancellationToken ct);

    /// <summary>
    /// Records a movement of a wallet loaded by <see cref="FindForMovementAsync"/>: the ledger entry it appended and the
    /// wallet's new state, written when the transaction commits (the wallet only if its ledger has not moved since it was
    /// loaded; otherwise the command fails before its commit, and runs again).
    /// </summary>
    void RecordMovement(Wallet wallet, LedgerEntry entry);

    /// <summary>
    /// Records the new state of a wallet loaded by <see cref="FindForMovementAsync"/> whose movement appended no ledger
    /// entry (a hold placed: the held total and the day's spending change), guarded like <see cref="RecordMovement"/>.
    /// </summary>
    void RecordState(Wallet wallet);

    void Add(Wallet wallet);

    /// <summary>The currencies the customer already holds a wallet in, read inside the current transaction.</summary>
    Task<IReadOnlyCollection<string>> CurrenciesOfCustomerAsync(Guid customerId, CancellationToken ct);

    void AddEntry(LedgerEntry entry);
}
