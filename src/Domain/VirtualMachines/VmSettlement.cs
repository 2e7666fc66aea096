namespace CleanWallet.Domain.VirtualMachines;

/// <summary>The price of a size: its monthly price spread over <see cref="HoursPerMonth"/> hours with cumulative rounding.</summary>
public readonly record struct VmRate(decimal MonthlyPrice, int HoursPerMonth);

/// <summary>One clock hour charged to a VM: the hour's share of the price under cumulative rounding (may be 0.00).</summary>
public sealed record VmBilledHour(DateTimeOffset HourStart, string Size, decimal Amount);

/// <summary>
/// What one state change (start, stop, resize, delete) settled first: the VM's ended hours not billed yet, each at the
/// largest size it had in that hour, and the hours it did not run at all (<see cref="Idle"/>), passed over. The caller
/// charges <see cref="Total"/> to the VM's wallet as one usage entry, records one usage row per hour and the idle
/// period, all in the same transaction.
/// </summary>
public sealed class VmSettlement
{
    private VmSettlement(Guid vmId, IReadOnlyList<VmBilledHour> hours, VmIdlePeriod? idle)
    {
        VmId = vmId;
        Hours = hours;
        Idle = idle;
        Total = hours.Sum(h => h.Amount);
    }

    public Guid VmId { get; }

    /// <summary>The billed hours, oldest first (consecutive, apart from the idle hours between them).</summary>
    public IReadOnlyList<VmBilledHour> Hours { get; }

    /// <summary>Hours the VM was stopped or suspended throughout, now passed over without a charge; null when none.</summary>
    public VmIdlePeriod? Idle { get; }

    public decimal Total { get; }

    public bool IsEmpty => Hours.Count == 0;

    /// <summary>Start of the first settled hour; null when nothing was settled.</summary>
    public DateTimeOffset? From => IsEmpty ? null : Hours[0].HourStart;

    /// <summary>End of the last settled hour (exclusive); null when nothing was settled.</summary>
    public DateTimeOffset? To => IsEmpty ? null : Hours[^1].HourStart + BillingHour.Length;

    /// <summary>The size of the first billed hour, and " then " the last one's when they differ (for descriptions).</summary>
    public string Sizes => IsEmpty ? string.Empty
        : string.Equals(Hours[0].Size, Hours[^1].Size, StringComparison.OrdinalIgnoreCase) ? Hours[0].Size : $"{Hours[0].Size} then {Hours[^1].Size}";

    internal static VmSettlement None(Guid vmId) => new(vmId, [], null);

    internal static VmSettlement Of(Guid vmId, IReadOnlyList<VmBilledHour> hours, VmIdlePeriod? idle) => new(vmId, hours, idle);
}
