using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using MediatR;

namespace CleanWallet.Application.Administration.Queries.ListAuditLog;

/// <summary>The audit log, newest first, optionally by exact action, target and a [from, to) time range.</summary>
public sealed record ListAuditLogQuery(int Page, int PageSize, string? Action, Guid? TargetId, DateTimeOffset? From, DateTimeOffset? To)
    : IQuery<PagedResult<AuditEntryDto>>, IPagedQuery;

public sealed class ListAuditLogHandler(IReadStore read) : IRequestHandler<ListAuditLogQuery, PagedResult<AuditEntryDto>>
{
    public async Task<PagedResult<AuditEntryDto>> Handle(ListAuditLogQuery query, CancellationToken cancellationToken)
    {
        var entries = read.AuditEntries;
        if (query.Action is { } action)
            entries = entries.Where(e => e.Action == action);
        if (query.TargetId is { } targetId)
            entries = entries.Where(e => e.TargetId == targetId);
        // Timestamps are stored in UTC; a client may send any offset.
        if (query.From?.ToUniversalTime() is { } from)
            entries = entries.Where(e => e.CreatedAt >= from);
        if (query.To?.ToUniversalTime() is { } to)
            entries = entries.Where(e => e.CreatedAt < to);

        var total = await read.CountAsync(entries, cancellationToken);
        // Ids are time-ordered (v7), so they break ties between entries written in the same microsecond.
        var page = await read.ToListAsync(
            entries.OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id).TakePage(query), cancellationToken);
        return new PagedResult<AuditEntryDto>(page.Select(AuditEntryDto.From).ToList(), query.Page, query.PageSize, total);
    }
}
