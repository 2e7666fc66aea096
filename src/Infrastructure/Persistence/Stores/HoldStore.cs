using CleanWallet.Application.Holds;
using CleanWallet.Domain.Holds;
using Microsoft.EntityFrameworkCore;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class HoldStore(WalletDbContext db, UnitOfWork unitOfWork) : IHoldStore
{
    private static readonly Func<WalletDbContext, Guid, CancellationToken, Task<Hold?>> ForUpdate =
        EF.CompileAsyncQuery((WalletDbContext context, Guid holdId, CancellationToken _) =>
            context.Set<Hold>().TagWith(RowLocking.ForUpdate).SingleOrDefault(h => h.Id == holdId));

    private static readonly Func<WalletDbContext, Guid, CancellationToken, Task<Hold?>> ForOrderForUpdate =
        EF.CompileAsyncQuery((WalletDbContext context, Guid orderId, CancellationToken _) =>
            context.Set<Hold>().TagWith(RowLocking.ForUpdate).SingleOrDefault(h => h.OrderId == orderId));

    public Task<Hold?> FindForUpdateAsync(Guid holdId, CancellationToken ct) => ForUpdate(db, holdId, ct);

    public Task<Hold?> FindForOrderForUpdateAsync(Guid orderId, CancellationToken ct) => ForOrderForUpdate(db, orderId, ct);

    public void Add(Hold hold) => db.Set<Hold>().Add(hold);

    public void RecordNew(Hold hold) => unitOfWork.Write(ModelRowStatements.For<Hold>(db).Insert(hold));
}
