using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;

namespace CleanWallet.Application.Payments;

internal static class RefundReads
{
    /// <summary>Another customer's payment is reported as missing, like every other resource.</summary>
    public static async Task<RefundedPayment> ReadablePaymentAsync(IReadStore read, ICallerContext caller, Guid paymentId, CancellationToken ct)
    {
        var payment = await read.FirstOrDefaultAsync(read.Payments
            .Where(p => p.Id == paymentId)
            .Select(p => new RefundedPayment(p.CustomerId, p.Currency, p.Status.ToString(), p.RefundedAmount)), ct);
        return payment is not null && caller.CanAccess(payment.CustomerId) ? payment : throw new NotFoundException("Payment", paymentId);
    }
}
