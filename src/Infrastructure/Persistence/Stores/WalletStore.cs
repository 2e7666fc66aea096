using CleanWallet.Application.Common.Persistence;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class WalletStore(WalletDbContext db) : IWalletStore
{
    public Task<Wallet?> FindForUpdateAsync(Guid walletId, CancellationToken ct) =>
        db.Wallets.FromSql($"SELECT * FROM wallets WHERE id = {walletId} FOR UPDATE").SingleOrDefaultAsync(ct);

    public void Add(Wallet wallet) => db.Wallets.Add(wallet);

    public async Task<IReadOnlyCollection<string>> CurrenciesOfCustomerAsync(Guid customerId, CancellationToken ct) =>
        await db.Wallets.Where(w => w.CustomerId == customerId).Select(w => w.Currency).ToListAsync(ct);

    public void AddEntry(LedgerEntry entry) => db.LedgerEntries.Add(entry);
}
