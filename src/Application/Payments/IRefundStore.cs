using CleanWallet.Domain.Payments;

namespace CleanWallet.Application.Payments;

public interface IRefundStore
{
    /// <summary>
    /// Loads the payment and holds a row lock on it until the transaction ends, so concurrent refunds of one
    /// payment check and raise its refunded amount one after the other.
    /// </summary>
    Task<PaymentRecord?> FindPaymentForUpdateAsync(Guid paymentId, CancellationToken ct);

    /// <summary>Whether a refund with this id was recorded already.</summary>
    Task<bool> ExistsAsync(Guid refundId, CancellationToken ct);

    void Add(Refund refund);
}
