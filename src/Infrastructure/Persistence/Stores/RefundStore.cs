using CleanWallet.Application.Payments;
using CleanWallet.Domain.Payments;
using Microsoft.EntityFrameworkCore;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class RefundStore(WalletDbContext db) : IRefundStore
{
    public Task<PaymentRecord?> FindPaymentForUpdateAsync(Guid paymentId, CancellationToken ct) =>
        PaymentStore.FindForUpdateAsync(db, paymentId, ct);

    public Task<bool> ExistsAsync(Guid refundId, CancellationToken ct) =>
        db.Set<Refund>().AsNoTracking().AnyAsync(r => r.Id == refundId, ct);

    public void Add(Refund refund) => db.Set<Refund>().Add(refund);
}
