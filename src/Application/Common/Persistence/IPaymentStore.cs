using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Application.Common.Persistence;

public interface IPaymentStore
{
    void Add(PaymentRecord payment);

    /// <summary>Loads the payment and holds a row lock on it until the transaction ends.</summary>
    Task<PaymentRecord?> FindForUpdateAsync(Guid paymentId, CancellationToken ct);
}
