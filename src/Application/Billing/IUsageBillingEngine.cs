using CleanWallet.Domain.VirtualMachines;

namespace CleanWallet.Application.Billing;

/// <summary>
/// The VM size prices a run bills with, taken from the catalogue when the run starts: for each size (in
/// <see cref="SizeNames"/> order) the amounts of one cycle of <see cref="HoursPerMonth"/> consecutive hours, computed by
/// the domain's <see cref="UsagePricing"/> and laid end to end in <see cref="HourAmounts"/>. The run's SQL looks every
/// hour's amount up there (size i, n-th hour of its run: element (i − 1)·H + ((n − 1) mod H) + 1), so it has no pricing
/// rule of its own.
/// </summary>
public sealed record BillingPriceList(IReadOnlyList<string> SizeNames, IReadOnlyList<decimal> HourAmounts, int HoursPerMonth)
{
    public static BillingPriceList From(IEnumerable<string> sizeNames, VmPriceList prices, int hoursPerMonth)
    {
        var names = sizeNames.ToList();
        var amounts = new List<decimal>(names.Count * hoursPerMonth);
        foreach (var name in names)
        {
            var rate = prices.RateOf(name);
            if (rate.HoursPerMonth != hoursPerMonth)
                throw new InvalidOperationException($"Size {name} is priced over {rate.HoursPerMonth} hours, not {hoursPerMonth}.");
            amounts.AddRange(UsagePricing.AmountsOfOneCycle(rate));
        }
        return new BillingPriceList(names, amounts, hoursPerMonth);
    }

    /// <summary>
    /// The price list of a catalogue, computed once per catalogue price list and hours per month: the catalogue is fixed
    /// for the life of the process, and an hourly run need not price thousands of hours again each time.
    /// </summary>
    public static BillingPriceList Cached(IEnumerable<string> sizeNames, VmPriceList prices, int hoursPerMonth)
    {
        var names = sizeNames.ToList();
        var cached = _cached;
        if (cached is not null && ReferenceEquals(cached.Prices, prices) && cached.List.HoursPerMonth == hoursPerMonth
            && cached.List.SizeNames.SequenceEqual(names, StringComparer.Ordinal))
            return cached.List;
        var list = From(names, prices, hoursPerMonth);
        _cached = new CachedList(prices, list);
        return list;
    }

    private sealed record CachedList(VmPriceList Prices, BillingPriceList List);

    private static CachedList? _cached;

    /// <summary>The hour amounts in whole cents (what the SQL looks up), computed once.</summary>
    public long[] HourCents => _hourCents ??= HourAmounts.Select(ToCents).ToArray();

    private long[]? _hourCents;

    private static long ToCents(decimal amount) =>
        decimal.Round(amount, 2) == amount ? decimal.ToInt64(amount * 100m) : throw new InvalidOperationException($"{amount} is not a whole number of cents.");
}

/// <summary>
/// Where the next batch ends: the id of its last VM, and whether it is the last batch (it found fewer billable VMs than a
/// batch holds, so nothing is left after it; a VM that becomes billable later is billed by the next run, as it would be
/// had it committed just after the last look).
/// </summary>
public sealed record BillingBatchEnd(Guid ThroughVmId, bool IsLast);

/// <summary>
/// One batch: the billable VMs (Running, or stopped or suspended during their unbilled hour) with an id in
/// (<paramref name="AfterVmId"/>, <paramref name="ThroughVmId"/>] that still have hours ending at or before
/// <paramref name="BilledUpTo"/> to bill. <paramref name="Number"/> counts from 1 in the run. The engine reads the time
/// its entries bear only once it holds the batch's locks.
/// </summary>
public sealed record BillingBatch(
    Guid RunId,
    int Number,
    DateTimeOffset BilledUpTo,
    Guid? AfterVmId,
    Guid ThroughVmId,
    BillingPriceList Prices);

/// <summary>
/// What a committed batch billed. <paramref name="VmsLocked"/> counts the VMs it held (VMs a request held were skipped);
/// <paramref name="UnpricedVmIds"/> are running VMs whose size the catalogue does not know, left unbilled.
/// </summary>
public sealed record BillingBatchResult(
    int VmsLocked,
    int VmsBilled,
    long HoursBilled,
    decimal AmountBilled,
    int VmsSuspended,
    IReadOnlyList<Guid> UnpricedVmIds)
{
    public static readonly BillingBatchResult Empty = new(0, 0, 0, 0m, 0, []);
}

/// <summary>
/// The hourly billing run's database work, set-based: each batch is one short transaction of a few statements, never
/// one round trip per VM. Exactly-once per VM-hour is the vm_usage primary key's job, so overlapping runs are safe.
/// </summary>
public interface IUsageBillingEngine
{
    /// <summary>
    /// Records the run as Running (committed at once, so every batch can name it) and, in the same round trip, finds where
    /// its first batch ends (<see cref="FindBatchEndAsync"/> from the start).
    /// </summary>
    Task<BillingBatchEnd?> StartRunAsync(Guid runId, DateTimeOffset billedUpTo, string nodeId, DateTimeOffset startedAt, int batchSize,
        CancellationToken ct);

    /// <summary>
    /// Where the next batch ends: the last of the next <paramref name="batchSize"/> billable VMs after
    /// <paramref name="afterVmId"/> (null: from the start), or null when none is left. It only reads; the batch locks what it bills.
    /// </summary>
    Task<BillingBatchEnd?> FindBatchEndAsync(DateTimeOffset billedUpTo, Guid? afterVmId, int batchSize, CancellationToken ct);

    /// <summary>Bills one batch in its own transaction: committed whole, or rolled back whole when it throws.</summary>
    Task<BillingBatchResult> BillBatchAsync(BillingBatch batch, CancellationToken ct);

    /// <summary>Records the run's outcome; its counts were added batch by batch in the batches' own transactions.</summary>
    Task FinishRunAsync(Guid runId, bool succeeded, DateTimeOffset finishedAt, string? error, CancellationToken ct);
}
