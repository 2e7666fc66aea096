using CleanWallet.Application.Common.Persistence;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class WalletStore(WalletDbContext db, UnitOfWork unitOfWork, WalletSnapshots snapshots) : IWalletStore
{
    // Compiled once per process: every top-up and hold locks its wallet with this query.
    private static readonly Func<WalletDbContext, Guid, CancellationToken, Task<Wallet?>> ForUpdate =
        EF.CompileAsyncQuery((WalletDbContext context, Guid walletId, CancellationToken _) =>
            context.Wallets.TagWith(RowLocking.ForUpdate).SingleOrDefault(w => w.Id == walletId));

    // The same lock, untracked: every payment locks its wallet with this query (still an EF Core command, so it passes
    // EF Core's interceptors like any other).
    private static readonly Func<WalletDbContext, Guid, CancellationToken, Task<Wallet?>> ForMovement =
        EF.CompileAsyncQuery((WalletDbContext context, Guid walletId, CancellationToken _) =>
            context.Wallets.AsNoTracking().TagWith(RowLocking.ForUpdate).SingleOrDefault(w => w.Id == walletId));

    public Task<Wallet?> FindForUpdateAsync(Guid walletId, CancellationToken ct)
    {
        // A change through EF Core's change tracker (a top-up, a refund, a freeze…) leaves this process's copy of the
        // wallet out of date: dropped now rather than found so by a payment's guard.
        snapshots.Forget(walletId);
        return ForUpdate(db, walletId, ct);
    }

    public async Task<Wallet?> FindForMovementAsync(Guid walletId, CancellationToken ct)
    {
        // The wallet as this process last committed it, if the command may start from it: its row is then locked, and
        // checked unchanged, by the guarded UPDATE at commit (UnitOfWork.TrySnapshotForMovement).
        var wallet = unitOfWork.TrySnapshotForMovement(walletId) ?? await ForMovement(db, walletId, ct);
        if (wallet is not null)
            LoadedForMovement(db, unitOfWork, wallet);
        return wallet;
    }

    /// <summary>
    /// Remembers a wallet loaded untracked for a movement (by this store or another one, e.g. both wallets of a
    /// transfer), with every column as loaded, so that <see cref="RecordMovement"/> can guard its update.
    /// </summary>
    internal static void LoadedForMovement(WalletDbContext db, UnitOfWork unitOfWork, Wallet wallet) =>
        unitOfWork.Loaded(wallet, ModelRowStatements.For<Wallet>(db).ImageOf(wallet));

    public void RecordMovement(Wallet wallet, LedgerEntry entry)
    {
        if (entry.WalletId != wallet.Id)
            throw new ArgumentException($"Entry {entry.Id} is not an entry of wallet {wallet.Id}.", nameof(entry));
        // The wallet first: when it was not read under its lock (a snapshot), this UPDATE takes the lock and checks the
        // row, and nothing else of the movement is written unless it holds.
        RecordState(wallet);
        unitOfWork.Write(ModelRowStatements.For<LedgerEntry>(db).Insert(entry));
    }

    /// <summary>
    /// The wallet's UPDATE, refused by the database unless every column still holds what it held when loaded: under the
    /// row lock that is always so; from a snapshot, it is the check that the snapshot was current.
    /// </summary>
    public void RecordState(Wallet wallet) =>
        unitOfWork.Write(ModelRowStatements.For<Wallet>(db).UpdateIfUnchanged(wallet, unitOfWork.LoadedImageOf(wallet)));

    public void Add(Wallet wallet) => db.Wallets.Add(wallet);

    public async Task<IReadOnlyCollection<string>> CurrenciesOfCustomerAsync(Guid customerId, CancellationToken ct) =>
        await db.Wallets.Where(w => w.CustomerId == customerId).Select(w => w.Currency).ToListAsync(ct);

    public void AddEntry(LedgerEntry entry) => db.LedgerEntries.Add(entry);
}
