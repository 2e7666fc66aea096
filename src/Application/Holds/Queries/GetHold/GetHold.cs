using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using MediatR;

namespace CleanWallet.Application.Holds.Queries.GetHold;

public sealed record GetHoldQuery(Guid HoldId) : IQuery<HoldDto>;

public sealed class GetHoldHandler(IReadStore read, ICallerContext caller) : IRequestHandler<GetHoldQuery, HoldDto>
{
    public async Task<HoldDto> Handle(GetHoldQuery query, CancellationToken cancellationToken)
    {
        var hold = await read.FirstOrDefaultAsync(read.Holds.Where(h => h.Id == query.HoldId).Select(HoldDto.Projection), cancellationToken);
        return hold is not null && caller.CanAccess(hold.CustomerId) ? hold : throw new NotFoundException("Hold", query.HoldId);
    }
}
