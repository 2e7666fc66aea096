namespace CleanWallet.Domain.VirtualMachines;

/// <summary>The price of a size: its monthly price spread over <see cref="HoursPerMonth"/> hours with cumulative rounding.</summary>
public readonly record struct VmRate(decimal MonthlyPrice, int HoursPerMonth);

/// <summary>One clock hour charged to a VM: the hour's share of the price under cumulative rounding (may be 0.00).</summary>
public sealed record VmBilledHour(DateTimeOffset HourStart, string Size, decimal Amount);

/// <summary>
/// The hours one stop, resize or delete settled at once (none when the VM was not running or its hours were
/// already settled). The caller charges <see cref="Total"/> to the VM's wallet as one usage entry and records
/// one usage row per hour, in the same transaction.
/// </summary>
public sealed class VmSettlement
{
    private VmSettlement(Guid vmId, IReadOnlyList<VmBilledHour> hours)
    {
        VmId = vmId;
        Hours = hours;
        Total = hours.Sum(h => h.Amount);
    }

    public Guid VmId { get; }

    /// <summary>The settled hours, oldest first, consecutive.</summary>
    public IReadOnlyList<VmBilledHour> Hours { get; }

    public decimal Total { get; }

    public bool IsEmpty => Hours.Count == 0;

    /// <summary>Start of the first settled hour; null when nothing was settled.</summary>
    public DateTimeOffset? From => IsEmpty ? null : Hours[0].HourStart;

    /// <summary>End of the last settled hour (exclusive); null when nothing was settled.</summary>
    public DateTimeOffset? To => IsEmpty ? null : Hours[^1].HourStart + BillingHour.Length;

    internal static VmSettlement None(Guid vmId) => new(vmId, []);

    internal static VmSettlement Of(Guid vmId, IReadOnlyList<VmBilledHour> hours) => new(vmId, hours);
}
