using System.Globalization;
using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Application.Wallets;
using CleanWallet.Domain.Wallets;
using MediatR;
using Microsoft.Extensions.Logging;

namespace CleanWallet.Application.Statements.Queries.GetStatement;

/// <summary>A wallet's monthly statement (UTC calendar month, "yyyy-MM").</summary>
public sealed record GetStatementQuery(Guid WalletId, string Month) : IQuery<StatementDto>;

public sealed record StatementTotal(string Type, string Direction, int Count, decimal Amount);

/// <summary>Opening + credits − debits = closing; the entries are in ledger order.</summary>
public sealed record StatementDto(
    Guid WalletId,
    string Currency,
    string Month,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    decimal OpeningBalance,
    decimal TotalCredits,
    decimal TotalDebits,
    decimal ClosingBalance,
    IReadOnlyList<StatementTotal> Totals,
    IReadOnlyList<LedgerEntryDto> Entries);

public sealed class GetStatementHandler(IReadStore read, ICallerContext caller, ILogger<GetStatementHandler> logger)
    : IRequestHandler<GetStatementQuery, StatementDto>
{
    public const string MonthFormat = "yyyy-MM";

    public async Task<StatementDto> Handle(GetStatementQuery query, CancellationToken cancellationToken)
    {
        var wallet = await read.FirstOrDefaultAsync(
            read.Wallets.Where(w => w.Id == query.WalletId).Select(w => new { w.CustomerId, w.Currency }), cancellationToken);
        if (wallet is null || !caller.CanAccess(wallet.CustomerId))
            throw new NotFoundException("Wallet", query.WalletId);
        var currency = wallet.Currency;

        var start = new DateTimeOffset(DateTime.ParseExact(query.Month, MonthFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal), TimeSpan.Zero);
        var end = start.AddMonths(1);

        // The balance carried in is the last entry before the month, read from the ledger itself, not from the wallet row.
        var opening = await read.FirstOrDefaultAsync(read.LedgerEntries
            .Where(e => e.WalletId == query.WalletId && e.CreatedAt < start)
            .OrderByDescending(e => e.Sequence)
            .Select(e => (decimal?)e.BalanceAfter), cancellationToken) ?? 0.00m;
        var entries = await read.ToListAsync(read.LedgerEntries
            .Where(e => e.WalletId == query.WalletId && e.CreatedAt >= start && e.CreatedAt < end)
            .OrderBy(e => e.Sequence)
            .Select(LedgerEntryDto.Projection), cancellationToken);

        var credits = entries.Where(e => e.Direction == nameof(LedgerDirection.Credit)).Sum(e => e.Amount);
        var debits = entries.Where(e => e.Direction == nameof(LedgerDirection.Debit)).Sum(e => e.Amount);
        var closing = entries.Count > 0 ? entries[^1].BalanceAfter : opening;
        if (opening + credits - debits != closing)
            logger.LogError("Statement for wallet {WalletId} {Month} does not reconcile: {Opening} + {Credits} - {Debits} != {Closing}",
                query.WalletId, query.Month, opening, credits, debits, closing);

        var totals = entries
            .GroupBy(e => (e.Type, e.Direction))
            .OrderBy(g => g.Key.Type, StringComparer.Ordinal)
            .Select(g => new StatementTotal(g.Key.Type, g.Key.Direction, g.Count(), g.Sum(e => e.Amount)))
            .ToList();
        return new StatementDto(query.WalletId, currency, query.Month, start, end, opening, credits + 0.00m, debits + 0.00m, closing, totals, entries);
    }
}
