using CleanWallet.Application.Common.Persistence;
using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class PaymentStore(WalletDbContext db, UnitOfWork unitOfWork) : IPaymentStore
{
    public void Add(PaymentRecord payment) => db.Payments.Add(payment);

    public void RecordNew(PaymentRecord payment) => unitOfWork.Write(ModelRowStatements.For<PaymentRecord>(db).Insert(payment));

    private static readonly Func<WalletDbContext, Guid, CancellationToken, Task<PaymentRecord?>> ForUpdate =
        EF.CompileAsyncQuery((WalletDbContext context, Guid paymentId, CancellationToken _) =>
            context.Payments.TagWith(RowLocking.ForUpdate).SingleOrDefault(p => p.Id == paymentId));

    public Task<PaymentRecord?> FindForUpdateAsync(Guid paymentId, CancellationToken ct) => ForUpdate(db, paymentId, ct);

    /// <summary>The same lock for another store of the same context.</summary>
    internal static Task<PaymentRecord?> FindForUpdateAsync(WalletDbContext db, Guid paymentId, CancellationToken ct) =>
        ForUpdate(db, paymentId, ct);
}
