using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Domain.Wallets;
using MediatR;

namespace CleanWallet.Application.Wallets.Queries.ListWalletTransactions;

/// <summary>A wallet's ledger, newest first, optionally by entry type and a [from, to) time range.</summary>
public sealed record ListWalletTransactionsQuery(
    Guid WalletId, int Page, int PageSize, string? Type, DateTimeOffset? From, DateTimeOffset? To)
    : IQuery<PagedResult<LedgerEntryDto>>, IPagedQuery;

public sealed class ListWalletTransactionsHandler(IReadStore read, ICallerContext caller)
    : IRequestHandler<ListWalletTransactionsQuery, PagedResult<LedgerEntryDto>>
{
    public async Task<PagedResult<LedgerEntryDto>> Handle(ListWalletTransactionsQuery query, CancellationToken cancellationToken)
    {
        await read.EnsureReadableAsync(query.WalletId, caller, cancellationToken);

        var entries = read.LedgerEntries.Where(e => e.WalletId == query.WalletId);
        if (query.Type is not null)
        {
            var type = Enum.Parse<LedgerEntryType>(query.Type, ignoreCase: true);
            entries = entries.Where(e => e.Type == type);
        }
        // Timestamps are stored in UTC; a client may send any offset.
        if (query.From?.ToUniversalTime() is { } from)
            entries = entries.Where(e => e.CreatedAt >= from);
        if (query.To?.ToUniversalTime() is { } to)
            entries = entries.Where(e => e.CreatedAt < to);

        var total = await read.CountAsync(entries, cancellationToken);
        var items = await read.ToListAsync(
            entries.OrderByDescending(e => e.Sequence).TakePage(query).Select(LedgerEntryDto.Projection), cancellationToken);
        return new PagedResult<LedgerEntryDto>(items, query.Page, query.PageSize, total);
    }
}
