namespace CleanWallet.Domain.VirtualMachines;

/// <summary>
/// Clock hours [<see cref="FromHour"/>, <see cref="ToHour"/>) a VM did not run at all (stopped or suspended), passed over
/// when its billed-through moved on without billing them (append-only). With the billed hours (vm_usage) they account
/// for every hour of a VM's life up to its billed-through, which the integrity check verifies.
/// </summary>
public sealed class VmIdlePeriod
{
    private VmIdlePeriod()
    {
    }

    public Guid VmId { get; private set; }
    public DateTimeOffset FromHour { get; private set; }
    public DateTimeOffset ToHour { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public long Hours => (ToHour - FromHour).Ticks / TimeSpan.TicksPerHour;

    internal static VmIdlePeriod Of(Guid vmId, DateTimeOffset fromHour, DateTimeOffset toHour, DateTimeOffset now)
    {
        if (!BillingHour.IsOnTheHour(fromHour) || !BillingHour.IsOnTheHour(toHour) || toHour <= fromHour)
            throw new ArgumentException("An idle period is one or more whole clock hours.");
        return new VmIdlePeriod { VmId = vmId, FromHour = fromHour, ToHour = toHour, CreatedAt = now };
    }
}
