using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using MediatR;

namespace CleanWallet.Application.ApiKeys.Queries.ListApiKeys;

/// <summary>The keys of the scope (the staff keys, or one customer's), revoked ones included, newest first.</summary>
public sealed record ListApiKeysQuery(int Page, int PageSize, Guid? CustomerId = null) : IQuery<PagedResult<ApiKeyDto>>, IPagedQuery;

public sealed class ListApiKeysHandler(IApiKeyStore keys, IReadStore read, ICallerContext caller)
    : IRequestHandler<ListApiKeysQuery, PagedResult<ApiKeyDto>>
{
    public async Task<PagedResult<ApiKeyDto>> Handle(ListApiKeysQuery query, CancellationToken cancellationToken)
    {
        await read.EnsureManageableAsync(query.CustomerId, caller, cancellationToken);
        var scoped = keys.Keys(query.CustomerId);
        var total = await read.CountAsync(scoped, cancellationToken);
        // Ids are time-ordered (v7), so they break ties between keys created in the same microsecond.
        var items = await read.ToListAsync(
            scoped.OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id).TakePage(query).Select(ApiKeyDto.Projection),
            cancellationToken);
        return new PagedResult<ApiKeyDto>(items, query.Page, query.PageSize, total);
    }
}
