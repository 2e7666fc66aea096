using CleanWallet.Application.Payments.Commands.RefundPayment;
using CleanWallet.Domain.Payments;
using Microsoft.EntityFrameworkCore;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class RefundStore(WalletDbContext db) : IRefundStore
{
    public Task<PaymentRecord?> FindPaymentForUpdateAsync(Guid paymentId, CancellationToken ct) =>
        new PaymentStore(db).FindForUpdateAsync(paymentId, ct);

    public void Add(Refund refund) => db.Set<Refund>().Add(refund);
}
