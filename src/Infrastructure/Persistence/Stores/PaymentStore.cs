using CleanWallet.Application.Common.Persistence;
using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class PaymentStore(WalletDbContext db) : IPaymentStore
{
    public void Add(PaymentRecord payment) => db.Payments.Add(payment);

    public Task<PaymentRecord?> FindForUpdateAsync(Guid paymentId, CancellationToken ct) =>
        db.Payments.FromSql($"SELECT * FROM payments WHERE id = {paymentId} FOR UPDATE").SingleOrDefaultAsync(ct);
}
