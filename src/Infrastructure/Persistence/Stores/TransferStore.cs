using CleanWallet.Application.Transfers;
using CleanWallet.Domain.Transfers;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;
using Npgsql;

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

    // From copies of both wallets (WalletSnapshots), the commit batch's first statement: both row locks in the same order
    // as BothForMovement takes them, before the wallets' guarded UPDATEs (in the order the transfer writes them, source
    // first) check that each copy is current. Without it a transfer from copies would lock its source first, and an
    // opposite one in another process its own source first: a deadlock, found only after deadlock_timeout. One row, the
    // count, like each write of the batch.
    private const string LockBothInIdOrderSql =
        "SELECT count(*) FROM (SELECT FROM wallets WHERE id = $1 OR id = $2 ORDER BY id FOR UPDATE) locked";

    public async Task<IReadOnlyList<Wallet>> LockWalletsForMovementInOrderAsync(Guid firstWalletId, Guid secondWalletId, CancellationToken ct)
    {
        if (unitOfWork.TrySnapshotsForMovement(firstWalletId, secondWalletId) is { } copies)
        {
            unitOfWork.Write(new NpgsqlBatchCommand(LockBothInIdOrderSql)
            {
                Parameters =
                {
                    new NpgsqlParameter<Guid> { TypedValue = firstWalletId },
                    new NpgsqlParameter<Guid> { TypedValue = secondWalletId },
                },
            });
            foreach (var copy in copies)
                WalletStore.LoadedForMovement(db, unitOfWork, copy);
            return copies;
        }

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
