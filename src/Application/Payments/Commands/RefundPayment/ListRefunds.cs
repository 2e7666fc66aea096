using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using MediatR;

namespace CleanWallet.Application.Payments.Commands.RefundPayment;

/// <summary>A payment's refunds, oldest first. Not paged: the refunded total caps how many there can be.</summary>
public sealed record ListRefundsQuery(Guid PaymentId) : IQuery<RefundList>;

public sealed record RefundList(IReadOnlyList<RefundDto> Items);

public sealed class ListRefundsHandler(IReadStore read, ICallerContext caller) : IRequestHandler<ListRefundsQuery, RefundList>
{
    public async Task<RefundList> Handle(ListRefundsQuery query, CancellationToken cancellationToken)
    {
        var (_, currency, status, refundedAmount) = await RefundReads.ReadablePaymentAsync(read, caller, query.PaymentId, cancellationToken);
        var paymentId = query.PaymentId;
        var items = await read.ToListAsync(read.Refunds
            .Where(r => r.PaymentId == paymentId)
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
            .Select(r => new RefundDto(r.Id, r.PaymentId, r.Amount, currency, r.Reason, r.LedgerEntryId,
                status, refundedAmount, r.CreatedAt, null)), cancellationToken);
        return new RefundList(items);
    }
}

/// <summary>What the refund reads need of the payment, once the caller is allowed to see it.</summary>
internal sealed record RefundedPayment(Guid CustomerId, string Currency, string Status, decimal RefundedAmount);

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
