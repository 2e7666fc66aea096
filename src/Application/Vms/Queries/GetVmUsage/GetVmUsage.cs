using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using MediatR;

namespace CleanWallet.Application.Vms.Queries.GetVmUsage;

/// <summary>
/// A VM's billed hours whose start lies in [from, to), oldest first and paged, with the totals of the whole range.
/// Each hour names its size, its share of the price, the UsageCharge entry that took it, and the billing run that
/// charged it (null when a stop, resize or delete settled it).
/// </summary>
public sealed record GetVmUsageQuery(Guid VmId, DateTimeOffset? From, DateTimeOffset? To, int Page, int PageSize)
    : IQuery<VmUsagePage>, IPagedQuery;

public sealed record VmUsageHourDto(DateTimeOffset HourStart, string Size, decimal Amount, Guid? LedgerEntryId, Guid? BillingRunId);

public sealed record VmUsagePage(
    Guid VmId,
    string Currency,
    DateTimeOffset? From,
    DateTimeOffset? To,
    IReadOnlyList<VmUsageHourDto> Items,
    int Page,
    int PageSize,
    int TotalCount,
    int TotalHours,
    decimal TotalAmount);

public sealed class GetVmUsageHandler(IReadStore read, ICallerContext caller) : IRequestHandler<GetVmUsageQuery, VmUsagePage>
{
    public async Task<VmUsagePage> Handle(GetVmUsageQuery query, CancellationToken cancellationToken)
    {
        var vm = await VmReads.ReadableAsync(read, caller, query.VmId, cancellationToken);
        var currency = await read.FirstOrDefaultAsync(read.Wallets.Where(w => w.Id == vm.WalletId).Select(w => w.Currency), cancellationToken)
                       ?? throw new InvalidOperationException($"Wallet {vm.WalletId} of VM {vm.Id} does not exist.");

        var hours = read.VmUsage.Where(u => u.VmId == query.VmId);
        // Hours are stored in UTC; a client may send any offset.
        var from = query.From?.ToUniversalTime();
        var to = query.To?.ToUniversalTime();
        if (from is { } start)
            hours = hours.Where(u => u.HourStart >= start);
        if (to is { } end)
            hours = hours.Where(u => u.HourStart < end);

        var total = await read.CountAsync(hours, cancellationToken);
        var amount = await read.SumAsync(hours.Select(u => u.Amount), cancellationToken);
        var items = await read.ToListAsync(
            hours.OrderBy(u => u.HourStart).TakePage(query)
                .Select(u => new VmUsageHourDto(u.HourStart, u.Size, u.Amount, u.LedgerEntryId, u.BillingRunId)),
            cancellationToken);
        return new VmUsagePage(vm.Id, currency, from, to, items, query.Page, query.PageSize, total, total, amount + 0.00m);
    }
}
