using CleanWallet.Application.Common.Persistence;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class WalletStore(WalletDbContext db) : IWalletStore
{
    // Compiled once per process: every payment, top-up and hold locks its wallet with this query.
    private static readonly Func<WalletDbContext, Guid, CancellationToken, Task<Wallet?>> ForUpdate =
        EF.CompileAsyncQuery((WalletDbContext context, Guid walletId, CancellationToken _) =>
            context.Wallets.TagWith(RowLocking.ForUpdate).SingleOrDefault(w => w.Id == walletId));

    public Task<Wallet?> FindForUpdateAsync(Guid walletId, CancellationToken ct) => ForUpdate(db, walletId, ct);

    public void Add(Wallet wallet) => db.Wallets.Add(wallet);

    public async Task<IReadOnlyCollection<string>> CurrenciesOfCustomerAsync(Guid customerId, CancellationToken ct) =>
        await db.Wallets.Where(w => w.CustomerId == customerId).Select(w => w.Currency).ToListAsync(ct);

    public void AddEntry(LedgerEntry entry) => db.LedgerEntries.Add(entry);
}
