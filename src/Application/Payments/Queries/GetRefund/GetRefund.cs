using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using MediatR;

namespace CleanWallet.Application.Payments.Queries.GetRefund;

/// <summary>One refund of a payment: what the Location of a new refund points at.</summary>
public sealed record GetRefundQuery(Guid PaymentId, Guid RefundId) : IQuery<RefundDto>;

public sealed class GetRefundHandler(IReadStore read, ICallerContext caller) : IRequestHandler<GetRefundQuery, RefundDto>
{
    public async Task<RefundDto> Handle(GetRefundQuery query, CancellationToken cancellationToken)
    {
        var (_, currency, status, refundedAmount) = await RefundReads.ReadablePaymentAsync(read, caller, query.PaymentId, cancellationToken);
        var (paymentId, refundId) = (query.PaymentId, query.RefundId);
        var refund = await read.FirstOrDefaultAsync(read.Refunds
            .Where(r => r.Id == refundId && r.PaymentId == paymentId)
            .Select(r => new RefundDto(r.Id, r.PaymentId, r.Amount, currency, r.Reason, r.LedgerEntryId,
                status, refundedAmount, r.CreatedAt, null)), cancellationToken);
        return refund ?? throw new NotFoundException("Refund", query.RefundId);
    }
}
