using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Domain.Wallets;
using MediatR;

namespace CleanWallet.Application.Wallets.Queries.ListWalletTransactions;

/// <summary>
/// A wallet's ledger, newest first, optionally by entry type, reference type and a [from, to) time range.
/// Long histories page by keyset: pass the previous page's <c>nextCursor</c> as <c>after</c> (a sequence number)
/// instead of a page number, so deep pages cost as little as the first.
/// </summary>
public sealed record ListWalletTransactionsQuery(
    Guid WalletId, int Page, int PageSize, string? Type, DateTimeOffset? From, DateTimeOffset? To,
    string? ReferenceType = null, long? After = null)
    : IQuery<LedgerPage>, IPagedQuery;

/// <summary>A page of ledger entries; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record LedgerPage(IReadOnlyList<LedgerEntryDto> Items, int Page, int PageSize, int TotalCount, long? NextCursor);

public sealed class ListWalletTransactionsHandler(IReadStore read, ICallerContext caller)
    : IRequestHandler<ListWalletTransactionsQuery, LedgerPage>
{
    public async Task<LedgerPage> Handle(ListWalletTransactionsQuery query, CancellationToken cancellationToken)
    {
        if (query is { Type: null, ReferenceType: null, From: null, To: null })
        {
            // No filter (the usual history page): one compiled query, one round trip, reads the owner (for the access
            // check), the wallet's last sequence number and the page. The last sequence number is the entry count
            // (gapless numbering), so the total needs no count over the ledger.
            var head = await read.ReadableLedgerPageAsync(query.WalletId, caller, query.After, (query.Page - 1) * query.PageSize,
                query.PageSize, cancellationToken);
            var unfiltered = head.Entries;
            return new LedgerPage(unfiltered, query.Page, query.PageSize, (int)Math.Min(head.LastSequence, int.MaxValue),
                unfiltered.Count == query.PageSize ? unfiltered[^1].Sequence : null);
        }

        await read.EnsureReadableAsync(query.WalletId, caller, cancellationToken);
        var entries = read.LedgerEntries.Where(e => e.WalletId == query.WalletId);
        if (query.Type is not null)
        {
            var type = Enum.Parse<LedgerEntryType>(query.Type, ignoreCase: true);
            entries = entries.Where(e => e.Type == type);
        }
        if (query.ReferenceType is { } referenceType)
            entries = entries.Where(e => e.ReferenceType == referenceType);
        // Timestamps are stored in UTC; a client may send any offset.
        if (query.From?.ToUniversalTime() is { } from)
            entries = entries.Where(e => e.CreatedAt >= from);
        if (query.To?.ToUniversalTime() is { } to)
            entries = entries.Where(e => e.CreatedAt < to);

        var total = await read.CountAsync(entries, cancellationToken);
        var newestFirst = entries.OrderByDescending(e => e.Sequence);
        var page = query.After is { } after
            ? newestFirst.Where(e => e.Sequence < after).Take(query.PageSize)
            : newestFirst.TakePage(query);
        var items = await read.ToListAsync(page.Select(LedgerEntryDto.Projection), cancellationToken);
        var nextCursor = items.Count == query.PageSize ? items[^1].Sequence : (long?)null;
        return new LedgerPage(items, query.Page, query.PageSize, total, nextCursor);
    }
}
