using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Domain.Payments;
using MediatR;

namespace CleanWallet.Application.Payments.Queries.ListPayments;

/// <summary>Payments newest first; a customer sees only its own.</summary>
public sealed record ListPaymentsQuery(int Page, int PageSize, Guid? WalletId, string? Status)
    : IQuery<PagedResult<PaymentDto>>, IPagedQuery;

public sealed class ListPaymentsHandler(IReadStore read, ICallerContext caller)
    : IRequestHandler<ListPaymentsQuery, PagedResult<PaymentDto>>
{
    public async Task<PagedResult<PaymentDto>> Handle(ListPaymentsQuery query, CancellationToken cancellationToken)
    {
        var payments = read.Payments;
        if (caller.Role == CallerRole.Customer)
        {
            var customerId = caller.CustomerId;
            payments = payments.Where(p => p.CustomerId == customerId);
        }
        if (query.WalletId is { } walletId)
            payments = payments.Where(p => p.WalletId == walletId);
        if (query.Status is not null)
        {
            var status = Enum.Parse<PaymentStatus>(query.Status, ignoreCase: true);
            payments = payments.Where(p => p.Status == status);
        }

        var total = await read.CountAsync(payments, cancellationToken);
        var items = await read.ToListAsync(
            payments.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id).TakePage(query).Select(PaymentDto.Projection),
            cancellationToken);
        return new PagedResult<PaymentDto>(items, query.Page, query.PageSize, total);
    }
}
