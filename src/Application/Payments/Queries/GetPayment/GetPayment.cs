using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using MediatR;

namespace CleanWallet.Application.Payments.Queries.GetPayment;

public sealed record GetPaymentQuery(Guid PaymentId) : IQuery<PaymentDto>;

public sealed class GetPaymentHandler(IReadStore read, ICallerContext caller) : IRequestHandler<GetPaymentQuery, PaymentDto>
{
    public async Task<PaymentDto> Handle(GetPaymentQuery query, CancellationToken cancellationToken)
    {
        var payment = await read.FirstOrDefaultAsync(read.Payments.Where(p => p.Id == query.PaymentId).Select(PaymentDto.Projection), cancellationToken);
        return payment is not null && caller.CanAccess(payment.CustomerId) ? payment : throw new NotFoundException("Payment", query.PaymentId);
    }
}
