using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using MediatR;

namespace CleanWallet.Application.Payments.Queries.ListRefunds;

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
