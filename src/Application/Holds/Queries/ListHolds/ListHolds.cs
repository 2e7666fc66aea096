using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Application.Wallets;
using CleanWallet.Domain.Holds;
using MediatR;

namespace CleanWallet.Application.Holds.Queries.ListHolds;

/// <summary>A wallet's holds, newest first, optionally of one status.</summary>
public sealed record ListHoldsQuery(Guid WalletId, int Page, int PageSize, string? Status) : IQuery<PagedResult<HoldDto>>, IPagedQuery;

public sealed class ListHoldsHandler(IReadStore read, ICallerContext caller) : IRequestHandler<ListHoldsQuery, PagedResult<HoldDto>>
{
    public async Task<PagedResult<HoldDto>> Handle(ListHoldsQuery query, CancellationToken cancellationToken)
    {
        await read.EnsureReadableAsync(query.WalletId, caller, cancellationToken);

        var holds = read.Holds.Where(h => h.WalletId == query.WalletId);
        if (query.Status is not null)
        {
            var status = Enum.Parse<HoldStatus>(query.Status, ignoreCase: true);
            holds = holds.Where(h => h.Status == status);
        }

        var total = await read.CountAsync(holds, cancellationToken);
        var items = await read.ToListAsync(
            holds.OrderByDescending(h => h.CreatedAt).ThenByDescending(h => h.Id).TakePage(query).Select(HoldDto.Projection),
            cancellationToken);
        return new PagedResult<HoldDto>(items, query.Page, query.PageSize, total);
    }
}
