using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using MediatR;

namespace CleanWallet.Application.Wallets.Queries.ListWallets;

/// <summary>
/// Wallets oldest first. A customer sees only its own: a customerId filter naming another customer matches nothing
/// (an empty page, like every other list's filters), never another customer's wallets. Staff see all.
/// </summary>
public sealed record ListWalletsQuery(int Page, int PageSize, Guid? CustomerId) : IQuery<PagedResult<WalletDto>>, IPagedQuery;

public sealed class ListWalletsHandler(IReadStore read, ICallerContext caller) : IRequestHandler<ListWalletsQuery, PagedResult<WalletDto>>
{
    public async Task<PagedResult<WalletDto>> Handle(ListWalletsQuery query, CancellationToken cancellationToken)
    {
        var wallets = read.Wallets;
        if (caller.Role == CallerRole.Customer)
        {
            var own = caller.CustomerId;
            wallets = wallets.Where(w => w.CustomerId == own);
        }
        if (query.CustomerId is { } customerId)
            wallets = wallets.Where(w => w.CustomerId == customerId);

        var total = await read.CountAsync(wallets, cancellationToken);
        var items = await read.ToListAsync(
            wallets.OrderBy(w => w.CreatedAt).ThenBy(w => w.Id).TakePage(query).Select(WalletDto.Projection), cancellationToken);
        return new PagedResult<WalletDto>(items, query.Page, query.PageSize, total);
    }
}
