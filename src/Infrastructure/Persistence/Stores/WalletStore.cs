using CleanWallet.Application.Common.Persistence;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class WalletStore(WalletDbContext db, UnitOfWork unitOfWork) : IWalletStore
{
    /// <summary>What a recorded movement's wallet update checks: nobody moved the wallet's ledger since it was loaded.</summary>
    private const string MovementGuard = nameof(Wallet.LastSequence);

    // Compiled once per process: every top-up and hold locks its wallet with this query.
    private static readonly Func<WalletDbContext, Guid, CancellationToken, Task<Wallet?>> ForUpdate =
        EF.CompileAsyncQuery((WalletDbContext context, Guid walletId, CancellationToken _) =>
            context.Wallets.TagWith(RowLocking.ForUpdate).SingleOrDefault(w => w.Id == walletId));

    // The same lock, untracked: every payment locks its wallet with this query (still an EF Core command, so it passes
    // EF Core's interceptors like any other).
    private static readonly Func<WalletDbContext, Guid, CancellationToken, Task<Wallet?>> ForMovement =
        EF.CompileAsyncQuery((WalletDbContext context, Guid walletId, CancellationToken _) =>
            context.Wallets.AsNoTracking().TagWith(RowLocking.ForUpdate).SingleOrDefault(w => w.Id == walletId));

    public Task<Wallet?> FindForUpdateAsync(Guid walletId, CancellationToken ct) => ForUpdate(db, walletId, ct);

    public async Task<Wallet?> FindForMovementAsync(Guid walletId, CancellationToken ct)
    {
        var wallet = await ForMovement(db, walletId, ct);
        if (wallet is not null)
            LoadedForMovement(db, unitOfWork, wallet);
        return wallet;
    }

    /// <summary>
    /// Remembers a wallet loaded untracked under its row lock (by this store or another one, e.g. both wallets of a
    /// transfer), so that <see cref="RecordMovement"/> can guard its update.
    /// </summary>
    internal static void LoadedForMovement(WalletDbContext db, UnitOfWork unitOfWork, Wallet wallet) =>
        unitOfWork.Loaded(wallet, ModelRowStatements.For<Wallet>(db).ValueOf(wallet, MovementGuard));

    public void RecordMovement(Wallet wallet, LedgerEntry entry)
    {
        if (entry.WalletId != wallet.Id)
            throw new ArgumentException($"Entry {entry.Id} is not an entry of wallet {wallet.Id}.", nameof(entry));
        unitOfWork.Write(ModelRowStatements.For<LedgerEntry>(db).Insert(entry));
        RecordState(wallet);
    }

    public void RecordState(Wallet wallet) =>
        unitOfWork.Write(ModelRowStatements.For<Wallet>(db).UpdateGuarded(wallet, MovementGuard, unitOfWork.LoadedValueOf(wallet)));

    public void Add(Wallet wallet) => db.Wallets.Add(wallet);

    public async Task<IReadOnlyCollection<string>> CurrenciesOfCustomerAsync(Guid customerId, CancellationToken ct) =>
        await db.Wallets.Where(w => w.CustomerId == customerId).Select(w => w.Currency).ToListAsync(ct);

    public void AddEntry(LedgerEntry entry) => db.LedgerEntries.Add(entry);
}
