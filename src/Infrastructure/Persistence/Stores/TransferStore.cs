using CleanWallet.Application.Transfers;
using CleanWallet.Domain.Transfers;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class TransferStore(WalletDbContext db) : ITransferStore
{
    public async Task<IReadOnlyList<Wallet>> LockWalletsInOrderAsync(Guid firstWalletId, Guid secondWalletId, CancellationToken ct) =>
        // One statement, and the database's own uuid order: rows are locked as the ORDER BY returns them, so every
        // transfer takes the two locks in the same order whatever .NET's Guid comparison would say.
        await db.Wallets
            .FromSql($"SELECT * FROM wallets WHERE id IN ({firstWalletId}, {secondWalletId}) ORDER BY id FOR UPDATE")
            .ToListAsync(ct);

    public void Add(Transfer transfer) => db.Set<Transfer>().Add(transfer);
}
