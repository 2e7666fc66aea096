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
/// The virtual machine aggregate. Billing is by UTC clock hour, in arrears, and each hour the VM ran in is billed once,
/// at the LARGEST size it had at any instant of that hour while running. Every clock hour that starts before
/// <see cref="BilledThrough"/> is settled: billed (a vm_usage row) or recorded as not run (a <see cref="VmIdlePeriod"/>).
/// An hour is billed only once it has ended (by the hourly billing run, or by the next state change) or at delete,
/// since nothing can change after that; so at most one unsettled hour can have seen more than one size, the hour
/// starting at <see cref="BilledThrough"/>, and <see cref="PeakSize"/> holds its largest size so far. Every state change
/// first settles the ended hours (<see cref="SettleEndedHours"/>), then records the change in the current hour's peak.
/// Pricing is cumulative rounding over a run of consecutive billed hours at one size (<see cref="BilledSize"/>,
/// <see cref="SizeHoursBilled"/>): the k-th hour of the run costs CostOfHours(k) − CostOfHours(k − 1), so a VM billed at
/// one size throughout pays exactly the monthly price for 730 hours. An hour billed at another size than the hour before
/// it (a peak hour, or the first hour after a resize) starts a new run at that size.
/// Running ⇄ Stopped, Running → Suspended → Running | Stopped, and anything but Deleted → Deleted; a wrong state is a 409.
/// The funds gate (provision, start, resize up) needs the wallet and the fleet: see <see cref="FleetFunding"/>.
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

    /// <summary>
    /// The largest size the VM has run at so far in the hour starting at <see cref="BilledThrough"/>; null when it has
    /// not run in that hour. Never null while Running (then it is at least <see cref="Size"/>); null once Deleted.
    /// </summary>
    public string? PeakSize { get; private set; }

    /// <summary>The size the last billed hour was charged at; null before the first billed hour.</summary>
    public string? BilledSize { get; private set; }

    /// <summary>
    /// <see cref="PeakSize"/>, or the size of a Running VM whose row was written without one (a row from before peaks
    /// were kept): a Running VM runs at least at its size in the hour at <see cref="BilledThrough"/>.
    /// </summary>
    private string? OpenHourPeak => PeakSize ?? (Status == VmStatus.Running ? Size : null);

    /// <summary>
    /// Consecutive hours billed at <see cref="BilledSize"/>: the next hour at that size costs
    /// CostOfHours(n + 1) − CostOfHours(n); an hour at another size starts again from 1.
    /// </summary>
    public long SizeHoursBilled { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? DeletedAt { get; private set; }

    /// <summary>A new Running VM. The hour it starts in is open (<see cref="BilledThrough"/> = its start), peak its size.</summary>
    public static VirtualMachine Provision(Guid customerId, Guid walletId, string name, string size, DateTimeOffset now)
    {
        if (customerId == Guid.Empty || walletId == Guid.Empty)
            throw new ArgumentException("A VM belongs to a customer and is paid from a wallet.");
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength)
            throw new DomainException(ErrorCodes.InvalidArgument, $"A VM needs a name of 1 to {MaxNameLength} characters.");
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
            PeakSize = size,
            SizeHoursBilled = 0,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>
    /// Settles every hour that has ended before <paramref name="now"/> and is not settled yet, exactly as the hourly
    /// billing run does: the hour at <see cref="BilledThrough"/> at <see cref="PeakSize"/> when the VM ran in it, the later
    /// ones at <see cref="Size"/> when it is Running (nothing changed since, or they would have been settled then), or as
    /// one idle period when it is not. Afterwards <see cref="BilledThrough"/> is the current hour. Idempotent within an hour.
    /// </summary>
    public VmSettlement SettleEndedHours(VmPriceList prices, DateTimeOffset now)
    {
        var currentHour = BillingHour.Floor(now);
        if (Status == VmStatus.Deleted || BilledThrough >= currentHour)
            return VmSettlement.None(Id);

        var hours = new List<VmBilledHour>();
        var hour = BilledThrough;
        if (OpenHourPeak is { } peak)
        {
            hours.Add(BillHour(hour, peak, prices));
            hour += BillingHour.Length;
        }

        VmIdlePeriod? idle = null;
        if (Status == VmStatus.Running)
        {
            for (; hour < currentHour; hour += BillingHour.Length)
                hours.Add(BillHour(hour, Size, prices));
            PeakSize = Size;
        }
        else
        {
            if (hour < currentHour)
                idle = VmIdlePeriod.Of(Id, hour, currentHour, now);
            PeakSize = null;
        }

        BilledThrough = currentHour;
        UpdatedAt = now;
        return VmSettlement.Of(Id, hours, idle);
    }

    /// <summary>Running → Stopped after settling the ended hours; the current hour stays open at its peak, billed once it ends.</summary>
    public VmSettlement Stop(VmPriceList prices, DateTimeOffset now)
    {
        EnsureNotDeleted("stop");
        if (Status is not (VmStatus.Running or VmStatus.Suspended))
            throw WrongState("stop", "it must be Running or Suspended");
        var settlement = SettleEndedHours(prices, now);
        Status = VmStatus.Stopped;
        UpdatedAt = now;
        return settlement;
    }

    /// <summary>Refuses a start in the wrong state before anything is settled or the funds are checked.</summary>
    public void EnsureCanStart()
    {
        EnsureNotDeleted("start");
        if (Status is not (VmStatus.Stopped or VmStatus.Suspended))
            throw WrongState("start", "it must be Stopped or Suspended");
    }

    /// <summary>
    /// Stopped or Suspended → Running, after settling the ended hours (hours while stopped are never billed). The current
    /// hour's peak takes in the size it starts at: stopping and starting within an hour bills that hour once, at its peak.
    /// The caller checks the wallet can fund the fleet with this VM running.
    /// </summary>
    public VmSettlement Start(VmPriceList prices, DateTimeOffset now)
    {
        EnsureCanStart();
        var settlement = SettleEndedHours(prices, now);
        Status = VmStatus.Running;
        PeakSize = prices.Larger(OpenHourPeak, Size);
        UpdatedAt = now;
        return settlement;
    }

    /// <summary>Refuses a resize of a deleted VM before the caller looks at prices or funds.</summary>
    public void EnsureCanResize() => EnsureNotDeleted("resize");

    /// <summary>
    /// Switches to <paramref name="newSize"/> after settling the ended hours. A Running VM's current hour is billed at
    /// the larger of its peak so far and the new size: resizing up and back down within an hour still bills the hour
    /// at the larger size, once. A Stopped VM runs at the new size only once started. Asking for the size it already has
    /// changes and settles nothing.
    /// </summary>
    public VmSettlement Resize(string newSize, VmPriceList prices, DateTimeOffset now)
    {
        EnsureCanResize();
        EnsureValidSize(newSize);
        if (HasSize(newSize))
            return VmSettlement.None(Id);

        var settlement = SettleEndedHours(prices, now);
        Size = newSize;
        if (Status == VmStatus.Running)
            PeakSize = prices.Larger(OpenHourPeak, newSize);
        UpdatedAt = now;
        return settlement;
    }

    public bool HasSize(string size) => string.Equals(size, Size, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Running → Suspended: usage was charged and the wallet is overdrawn. The current hour keeps its peak (the VM ran
    /// in it), billed once it ends.
    /// </summary>
    public void Suspend(DateTimeOffset now)
    {
        EnsureNotDeleted("suspend");
        if (Status != VmStatus.Running)
            throw WrongState("suspend", "it must be Running");
        Status = VmStatus.Suspended;
        UpdatedAt = now;
    }

    /// <summary>
    /// Any state but Deleted → Deleted. Settles the ended hours and then the current hour too, at its peak, when the VM
    /// ran in it: nothing can change the hour after this. It can still be read.
    /// </summary>
    public VmSettlement Delete(VmPriceList prices, DateTimeOffset now)
    {
        EnsureNotDeleted("delete");
        var settlement = SettleEndedHours(prices, now);
        var hours = settlement.Hours.ToList();
        if (OpenHourPeak is { } peak && BilledThrough == BillingHour.Floor(now))
        {
            hours.Add(BillHour(BilledThrough, peak, prices));
            BilledThrough += BillingHour.Length;
        }

        PeakSize = null;
        Status = VmStatus.Deleted;
        DeletedAt = now;
        UpdatedAt = now;
        return VmSettlement.Of(Id, hours, settlement.Idle);
    }

    /// <summary>One hour at <paramref name="size"/>: the next share of the run at that size, or the first of a new run.</summary>
    private VmBilledHour BillHour(DateTimeOffset hourStart, string size, VmPriceList prices)
    {
        var rate = prices.RateOf(size);
        var billedBefore = string.Equals(size, BilledSize, StringComparison.OrdinalIgnoreCase) ? SizeHoursBilled : 0;
        BilledSize = size;
        SizeHoursBilled = billedBefore + 1;
        return new VmBilledHour(hourStart, size, UsagePricing.AmountOfHour(rate, billedBefore + 1));
    }

    private static void EnsureValidSize(string size)
    {
        if (string.IsNullOrWhiteSpace(size) || size.Length > MaxSizeLength)
            throw new DomainException(ErrorCodes.InvalidArgument, $"A VM size is a catalogue name of 1 to {MaxSizeLength} characters.");
    }

    private void EnsureNotDeleted(string action)
    {
        if (Status == VmStatus.Deleted)
            throw new DomainException(ErrorCodes.VmDeleted, $"Cannot {action} VM {Id}: it is deleted.", DomainErrorKind.Conflict);
    }

    private DomainException WrongState(string action, string requirement) =>
        new(ErrorCodes.Conflict, $"Cannot {action} VM {Id} while it is {Status}; {requirement}.", DomainErrorKind.Conflict,
            new Dictionary<string, object?> { ["vmStatus"] = Status.ToString() });
}
