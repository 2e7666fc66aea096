using CleanWallet.Domain.Common;

namespace CleanWallet.Domain.VirtualMachines;

public enum VmStatus
{
    Running,
    Stopped,
    /// <summary>Stopped for lack of funds after usage was charged; starts again once the wallet can pay.</summary>
    Suspended,
    Deleted,
}

/// <summary>
/// The virtual machine aggregate. Billing is by UTC clock hour, in arrears: every clock hour starting before
/// <see cref="BilledThrough"/> is settled (billed, or not run). A running VM's open hours are charged either by the
/// hourly billing run or, at once, by a stop, resize or delete (<see cref="Settle"/>), each hour at the size the VM had
/// when the hour began, priced with cumulative rounding over <see cref="SizeHoursBilled"/>.
/// Running ⇄ Stopped, Running → Suspended → Running | Stopped, and anything but Deleted → Deleted; a wrong state is a 409.
/// Funds checks (provision, start, resize up) need the wallet and are the caller's job.
/// </summary>
public sealed class VirtualMachine
{
    public const int MaxNameLength = 200;
    public const int MaxSizeLength = 32;

    private VirtualMachine()
    {
        Name = string.Empty;
        Size = string.Empty;
    }

    public Guid Id { get; private set; }
    public Guid CustomerId { get; private set; }
    public Guid WalletId { get; private set; }
    public string Name { get; private set; }

    /// <summary>The catalogue name of the size, in the catalogue's letter case.</summary>
    public string Size { get; private set; }

    public VmStatus Status { get; private set; }

    /// <summary>Every clock hour that starts before this instant is settled. Always on the hour.</summary>
    public DateTimeOffset BilledThrough { get; private set; }

    /// <summary>Hours billed at the current size: the next hour costs CostOfHours(n + 1) − CostOfHours(n).</summary>
    public long SizeHoursBilled { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? DeletedAt { get; private set; }

    /// <summary>
    /// A new Running VM. The hour it starts in is open (<see cref="BilledThrough"/> = its start), so that hour is
    /// billed in arrears like every later one.
    /// </summary>
    public static VirtualMachine Provision(Guid customerId, Guid walletId, string name, string size, DateTimeOffset now)
    {
        if (customerId == Guid.Empty || walletId == Guid.Empty)
            throw new ArgumentException("A VM belongs to a customer and is paid from a wallet.");
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength)
            throw new DomainException(DomainErrorCodes.InvalidArgument, $"A VM needs a name of 1 to {MaxNameLength} characters.");
        EnsureValidSize(size);

        return new VirtualMachine
        {
            Id = Guid.CreateVersion7(now),
            CustomerId = customerId,
            WalletId = walletId,
            Name = name,
            Size = size,
            Status = VmStatus.Running,
            BilledThrough = BillingHour.Floor(now),
            SizeHoursBilled = 0,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>
    /// Bills a Running VM's open hours up to and including the current one (through <c>Floor(now) + 1h</c>) at the
    /// current size, each by cumulative rounding, and marks them settled. Nothing when the VM is not running or the
    /// current hour was settled already. <paramref name="rate"/> must be the price of <see cref="Size"/>.
    /// </summary>
    public VmSettlement Settle(VmRate rate, DateTimeOffset now)
    {
        if (Status != VmStatus.Running)
            return VmSettlement.None(Id);
        var through = BillingHour.Floor(now) + BillingHour.Length;
        var count = (through - BilledThrough).Ticks / TimeSpan.TicksPerHour;
        if (count <= 0)
            return VmSettlement.None(Id);

        var hours = new List<VmBilledHour>();
        for (var i = 0L; i < count; i++)
            hours.Add(new VmBilledHour(BilledThrough + TimeSpan.FromHours(i), Size,
                UsagePricing.ChargeForHours(rate.MonthlyPrice, rate.HoursPerMonth, SizeHoursBilled + i, 1)));

        BilledThrough = through;
        SizeHoursBilled += count;
        UpdatedAt = now;
        return VmSettlement.Of(Id, hours);
    }

    /// <summary>Running → Stopped, settling the current hour; a Suspended VM is stopped as it is (its hours are settled).</summary>
    public VmSettlement Stop(VmRate rate, DateTimeOffset now)
    {
        EnsureNotDeleted("stop");
        if (Status is not (VmStatus.Running or VmStatus.Suspended))
            throw WrongState("stop", "it must be Running or Suspended");
        var settlement = Settle(rate, now);
        Status = VmStatus.Stopped;
        UpdatedAt = now;
        return settlement;
    }

    /// <summary>Refuses a start in the wrong state before the caller checks the funds.</summary>
    public void EnsureCanStart()
    {
        EnsureNotDeleted("start");
        if (Status is not (VmStatus.Stopped or VmStatus.Suspended))
            throw WrongState("start", "it must be Stopped or Suspended");
    }

    /// <summary>
    /// Stopped or Suspended → Running (the caller has checked the funds). An hour already settled is not billed again:
    /// starting inside it costs nothing more for it; hours while stopped are never billed.
    /// </summary>
    public void Start(DateTimeOffset now)
    {
        EnsureCanStart();
        var currentHour = BillingHour.Floor(now);
        if (currentHour > BilledThrough)
            BilledThrough = currentHour;
        Status = VmStatus.Running;
        UpdatedAt = now;
    }

    /// <summary>Refuses a resize of a deleted VM before the caller looks at prices or funds.</summary>
    public void EnsureCanResize() => EnsureNotDeleted("resize");

    /// <summary>
    /// Switches to <paramref name="newSize"/>. A Running VM first settles the current hour at its old size
    /// (<paramref name="currentRate"/>), so the new size is billed from the next hour; the cumulative count restarts.
    /// Asking for the size it already has changes nothing and bills nothing (the count is not reset).
    /// </summary>
    public VmSettlement Resize(string newSize, VmRate currentRate, DateTimeOffset now)
    {
        EnsureCanResize();
        EnsureValidSize(newSize);
        if (HasSize(newSize))
            return VmSettlement.None(Id);

        var settlement = Settle(currentRate, now);
        Size = newSize;
        SizeHoursBilled = 0;
        UpdatedAt = now;
        return settlement;
    }

    public bool HasSize(string size) => string.Equals(size, Size, StringComparison.OrdinalIgnoreCase);

    /// <summary>Running → Suspended: usage was charged and the wallet is overdrawn.</summary>
    public void Suspend(DateTimeOffset now)
    {
        EnsureNotDeleted("suspend");
        if (Status != VmStatus.Running)
            throw WrongState("suspend", "it must be Running");
        Status = VmStatus.Suspended;
        UpdatedAt = now;
    }

    /// <summary>Any state but Deleted → Deleted, settling the current hour of a Running VM first. It can still be read.</summary>
    public VmSettlement Delete(VmRate rate, DateTimeOffset now)
    {
        EnsureNotDeleted("delete");
        var settlement = Settle(rate, now);
        Status = VmStatus.Deleted;
        DeletedAt = now;
        UpdatedAt = now;
        return settlement;
    }

    private static void EnsureValidSize(string size)
    {
        if (string.IsNullOrWhiteSpace(size) || size.Length > MaxSizeLength)
            throw new DomainException(DomainErrorCodes.InvalidArgument, $"A VM size is a catalogue name of 1 to {MaxSizeLength} characters.");
    }

    private void EnsureNotDeleted(string action)
    {
        if (Status == VmStatus.Deleted)
            throw new DomainException(VmErrorCodes.Deleted, $"Cannot {action} VM {Id}: it is deleted.", DomainErrorKind.Conflict);
    }

    private DomainException WrongState(string action, string requirement) =>
        new(VmErrorCodes.InvalidState, $"Cannot {action} VM {Id} while it is {Status}; {requirement}.", DomainErrorKind.Conflict,
            new Dictionary<string, object?> { ["vmStatus"] = Status.ToString() });
}
