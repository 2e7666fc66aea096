using CleanWallet.Application.Transfers;
using CleanWallet.Domain.Transfers;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class TransferStore(WalletDbContext db, UnitOfWork unitOfWork) : ITransferStore
{
    // One statement, and the database's own uuid order (ORDER BY w.id, then FOR UPDATE): rows are locked as the sort
    // returns them, so every transfer takes the two locks in the same order whatever .NET's Guid comparison would say.
    // Untracked: the transfer's writes are recorded by hand (IWalletStore.RecordMovement, RecordNew).
    private static readonly Func<WalletDbContext, Guid, Guid, IAsyncEnumerable<Wallet>> BothForMovement =
        EF.CompileAsyncQuery((WalletDbContext context, Guid firstWalletId, Guid secondWalletId) =>
            context.Wallets.AsNoTracking().Where(w => w.Id == firstWalletId || w.Id == secondWalletId).OrderBy(w => w.Id)
                .TagWith(RowLocking.ForUpdate));

    public async Task<IReadOnlyList<Wallet>> LockWalletsForMovementInOrderAsync(Guid firstWalletId, Guid secondWalletId, CancellationToken ct)
    {
        var wallets = new List<Wallet>(2);
        await foreach (var wallet in BothForMovement(db, firstWalletId, secondWalletId).WithCancellation(ct))
        {
            WalletStore.LoadedForMovement(db, unitOfWork, wallet);
            wallets.Add(wallet);
        }
        return wallets;
    }

    public void RecordNew(Transfer transfer) => unitOfWork.Write(ModelRowStatements.For<Transfer>(db).Insert(transfer));
}
