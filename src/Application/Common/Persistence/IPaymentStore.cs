using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Application.Common.Persistence;

public interface IPaymentStore
{
    void Add(PaymentRecord payment);

    /// <summary>
    /// Records a payment made by a wallet movement (<see cref="IWalletStore.RecordMovement"/>): inserted when the
    /// transaction commits, after the movement's ledger entry, without change tracking.
    /// </summary>
    void RecordNew(PaymentRecord payment);

    /// <summary>Loads the payment and holds a row lock on it until the transaction ends.</summary>
    Task<PaymentRecord?> FindForUpdateAsync(Guid paymentId, CancellationToken ct);
}
