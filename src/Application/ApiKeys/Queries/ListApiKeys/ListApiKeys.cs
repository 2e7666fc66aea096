using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using MediatR;

namespace CleanWallet.Application.ApiKeys.Queries.ListApiKeys;

/// <summary>The operations and admin keys, revoked ones included, newest first.</summary>
public sealed record ListApiKeysQuery(int Page, int PageSize) : IQuery<PagedResult<ApiKeyDto>>, IPagedQuery;

public sealed class ListApiKeysHandler(IStaffApiKeyStore keys, IReadStore read) : IRequestHandler<ListApiKeysQuery, PagedResult<ApiKeyDto>>
{
    public async Task<PagedResult<ApiKeyDto>> Handle(ListApiKeysQuery query, CancellationToken cancellationToken)
    {
        var total = await read.CountAsync(keys.StaffKeys, cancellationToken);
        // Ids are time-ordered (v7), so they break ties between keys created in the same microsecond.
        var items = await read.ToListAsync(
            keys.StaffKeys.OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id).TakePage(query).Select(ApiKeyDto.Projection),
            cancellationToken);
        return new PagedResult<ApiKeyDto>(items, query.Page, query.PageSize, total);
    }
}
