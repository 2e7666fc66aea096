using System.Diagnostics;
using CleanWallet.Application.Administration.Commands.AdjustWallet;
using CleanWallet.Application.Administration.Commands.SetWalletFrozen;
using CleanWallet.Application.Customers.Commands.CreateCustomer;
using CleanWallet.Application.Holds.Commands.CaptureHold;
using CleanWallet.Application.Holds.Commands.PlaceHold;
using CleanWallet.Application.Holds.Commands.VoidHold;
using CleanWallet.Application.Integrity;
using CleanWallet.Application.Integrity.Commands.RunIntegrityCheck;
using CleanWallet.Application.Orders.Commands.CancelOrder;
using CleanWallet.Application.Orders.Commands.CreateOrder;
using CleanWallet.Application.Orders.Commands.FulfilOrder;
using CleanWallet.Application.Orders.Commands.ReturnOrder;
using CleanWallet.Application.Payments.Commands.RefundPayment;
using CleanWallet.Application.Transfers.Commands.CreateTransfer;
using CleanWallet.Application.Vms.Commands.DeleteVm;
using CleanWallet.Application.Vms.Commands.ProvisionVm;
using CleanWallet.Application.Vms.Commands.ResizeVm;
using CleanWallet.Application.Vms.Commands.StartVm;
using CleanWallet.Application.Vms.Commands.StopVm;
using CleanWallet.Application.Wallets.Commands.PayFromWallet;
using CleanWallet.Application.Wallets.Commands.TopUpWallet;
using CleanWallet.Domain.Common;
using CleanWallet.Infrastructure.Scheduling;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CleanWallet.Simulator;

public sealed record SimulationOptions
{
    public int Companies { get; init; } = 100;
    public int Months { get; init; } = 6;
    /// <summary>When set, the run lasts this many days instead of <see cref="Months"/> (short runs for tests).</summary>
    public int? Days { get; init; }
    /// <summary>The integrity check and the invariants every this many simulated days (1: every day, as the issue asks).</summary>
    public int IntegrityEveryDays { get; init; } = 1;
    public int Seed { get; init; } = 1;
    public DateTimeOffset Start { get; init; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public string Length => Days is { } d ? $"{d} day(s)" : $"{Months} month(s)";
    public DateTimeOffset End => Days is { } days ? Start.AddDays(days) : Start.AddMonths(Months);
}

/// <summary>An invariant broken or an unexpected exception: the run stops here. The message names seed and simulated time.</summary>
public sealed class SimulationFailedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The business simulation: N companies over M months of simulated time, hour by hour, through the real application
/// (<see cref="SimulationHost"/>). Every hour: the billing job's occurrence at the hour boundary, the hold-expiry,
/// card-reconciliation and order-recovery occurrences, then the companies' activity at seeded minutes; every simulated
/// day housekeeping at 00:15 and the integrity check at 00:30, followed by the invariant checks. One seeded
/// <see cref="Random"/> makes every decision, companies are visited in index order and idempotency keys are derived from
/// the seed and a counter, so a seed on an empty database replays the same ledger.
/// </summary>
public sealed class Simulation
{
    private static readonly string[] SmallSizes = ["Small", "Small", "Medium"];
    private static readonly string[] LargeSizes = ["Medium", "Large", "Large", "Enterprise"];
    private static readonly string[] SizeOrder = ["Small", "Medium", "Large", "Enterprise"];
    private static readonly Dictionary<string, decimal> MonthlyPrice = new() { ["Small"] = 150m, ["Medium"] = 300m, ["Large"] = 600m, ["Enterprise"] = 1200m };
    private static readonly (string Sku, string Name, decimal Price)[] Catalogue =
    [
        ("BKP-500", "Backup storage 500 GB", 95m), ("SUP-STD", "Standard support plan", 450m), ("SSL-EV", "EV SSL certificate", 1290m),
        ("DNS-ZA", "co.za domain registration", 110m), ("LIC-WIN", "Windows Server licence", 620m), ("CDN-1TB", "CDN traffic 1 TB", 180m),
        ("IP-V4", "Additional IPv4 address", 65m), ("MIG-SVC", "Migration service (hour)", 850m),
    ];

    private readonly SimulationHost _host;
    private readonly SimulationOptions _options;
    private readonly TextWriter _out;
    private readonly Random _random;
    private readonly PriorityQueue<Func<Task>, (long Ticks, long Seq)> _queue = new();
    private readonly SimulationCounters _counters = new();
    private readonly Invariants _invariants;
    private readonly Func<DateTimeOffset, Task>? _beforeDailyCheck;
    private List<Company> _companies = [];
    private long _sequence;
    private long _keys;

    /// <param name="beforeDailyCheck">Run just before each daily integrity check (tests plant a fault here).</param>
    public Simulation(SimulationHost host, SimulationOptions options, TextWriter? output = null,
        Func<DateTimeOffset, Task>? beforeDailyCheck = null)
    {
        _beforeDailyCheck = beforeDailyCheck;
        _host = host;
        _options = options;
        _out = output ?? TextWriter.Null;
        _random = new Random(options.Seed);
        _invariants = new Invariants(host.ConnectionString);
    }

    private DateTimeOffset Now => _host.Clock.Now;

    public async Task<SimulationResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        _companies = Population.Generate(_random, _options.Companies);
        _out.WriteLine($"Simulating {_companies.Count} companies from {_options.Start:yyyy-MM-dd HH:mm}Z for {_options.Length}, seed {_options.Seed}.");

        // Companies join over the first two weeks (or the first quarter of a shorter run).
        var joinWindowHours = Math.Max(1, Math.Min(14 * 24, (int)(_options.End - _options.Start).TotalHours / 4));
        foreach (var company in _companies)
            Schedule(_options.Start.AddMinutes(_random.Next(joinWindowHours * 60)), () => JoinAsync(company));

        var hours = (int)(_options.End - _options.Start).TotalHours;
        for (var h = 0; h < hours; h++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var hour = _options.Start.AddHours(h);
            _host.Clock.MoveTo(hour);
            if (h > 0)
                await RunJobAsync("billing", hour);
            await RefreshAsync();

            // These three run every minute in production; here every six hours: the fakes always answer at once, so no card
            // payment stays Pending and no order stays Fulfilling for them to find, and a forgotten hold (expiring 6 to 72
            // hours after it was placed) is released up to six hours late — a capture after its expiry time is refused
            // (hold_expired) whether or not the job has run.
            if (hour.Hour % 6 == 0)
            {
                Schedule(hour.AddMinutes(5), () => RunJobAsync("hold-expiry", hour.AddMinutes(5)));
                Schedule(hour.AddMinutes(6), () => RunJobAsync("card-reconciliation", hour.AddMinutes(6)));
                Schedule(hour.AddMinutes(7), () => RunJobAsync("order-recovery", hour.AddMinutes(7)));
            }
            if (hour.Hour == 0 && h > 0)
            {
                Schedule(hour.AddMinutes(15), () => RunJobAsync("housekeeping", hour.AddMinutes(15)));
                if ((h / 24) % _options.IntegrityEveryDays == 0)
                    Schedule(hour.AddMinutes(30), () => DailyCheckAsync(hour.AddMinutes(30)));
            }
            // A few scripted incidents, so that even a short run shows every kind of event (they also happen by chance):
            // a fraud review freezing a wallet for a day and a half, a declined card, an out-of-stock order, a forgotten hold.
            if (h == Math.Min(4 * 24 + 10, hours / 2) && _companies.Where(c => c.CustomerId != Guid.Empty).ToList() is { Count: > 0 } joined)
            {
                var suspect = joined[_random.Next(joined.Count)];
                var at = Within(hour);
                Schedule(at, () => FreezeAsync(suspect, true));
                Schedule(at.AddHours(36), () => FreezeAsync(suspect, false));
                var unlucky = joined[_random.Next(joined.Count)];
                Schedule(Within(hour), () => TopUpAsync(unlucky, 500m, declined: true, unlucky.Invoice ? "invoice" : "payg"));
                var shopper = joined[_random.Next(joined.Count)];
                Schedule(Within(hour), () => OrderAsync(shopper, outOfStock: true));
                var forgetful = joined[_random.Next(joined.Count)];
                Schedule(Within(hour), () => HoldAsync(forgetful, forget: true));
            }
            PlanHour(hour);

            var next = hour.AddHours(1).UtcTicks;
            while (_queue.TryPeek(out _, out var at) && at.Ticks < next)
            {
                var action = _queue.Dequeue();
                _host.Clock.MoveTo(new DateTimeOffset(at.Ticks, TimeSpan.Zero));
                await action();
            }
        }

        // The last hour ends: bill it, check everything once more.
        _host.Clock.MoveTo(_options.End);
        await RunJobAsync("billing", _options.End);
        _host.Clock.MoveTo(_options.End.AddMinutes(30));
        await DailyCheckAsync(_options.End.AddMinutes(30), final: true);

        var summary = await _invariants.SummariseAsync(_counters, _options, watch.Elapsed);
        return summary;
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Planning

    private void Schedule(DateTimeOffset at, Func<Task> action) => _queue.Enqueue(action, (at.UtcTicks, ++_sequence));

    private DateTimeOffset Within(DateTimeOffset hour, int fromMinute = 8) => hour.AddSeconds(fromMinute * 60 + _random.Next((60 - fromMinute) * 60));

    private void PlanHour(DateTimeOffset hour)
    {
        foreach (var c in _companies)
        {
            if (c.CustomerId == Guid.Empty)
                continue;
            var demand = Population.Demand(c, hour, _random);
            var running = c.Vms.Count(v => v.Status == "Running");
            var desired = (int)Math.Round(c.Scale * demand);
            var hourlyCost = HourlyCost(c);

            // Fleet follows demand, though not every hour. Customers mostly grow only when the funds gate (a month of the
            // whole fleet) will let them; now and then one tries anyway and is refused.
            if (_random.NextDouble() < 0.15)
            {
                var affordable = c.Available >= (hourlyCost * 730 + 300m) || _random.NextDouble() < 0.1;
                if (running < desired && affordable)
                {
                    var stopped = c.Vms.FirstOrDefault(v => v.Status == "Stopped");
                    if (stopped is not null)
                        Schedule(Within(hour), () => VmAsync(c, "start", stopped, new StartVmCommand(stopped.Id)));
                    else
                        Schedule(Within(hour), () => ProvisionAsync(c));
                }
                else if (running > desired && running > 0 && !c.StartUp)
                {
                    var stoppedCount = c.Vms.Count(v => v.Status == "Stopped");
                    if (stoppedCount >= 2 && _random.NextDouble() < 0.5)
                    {
                        var victim = c.Vms.First(v => v.Status == "Stopped");
                        Schedule(Within(hour), () => VmAsync(c, "delete", victim, new DeleteVmCommand(victim.Id)));
                    }
                    else
                    {
                        var vm = c.Vms.Last(v => v.Status == "Running");
                        Schedule(Within(hour), () => VmAsync(c, "stop", vm, new StopVmCommand(vm.Id)));
                    }
                }
            }

            // Suspended VMs come back once the money is there.
            var suspended = c.Vms.FirstOrDefault(v => v.Status == "Suspended");
            if (suspended is not null && c.Available > hourlyCost * 730 + MonthlyPrice[suspended.Size] && _random.NextDouble() < 0.5)
                Schedule(Within(hour), () => VmAsync(c, "start", suspended, new StartVmCommand(suspended.Id)));

            if (running > 0 && _random.NextDouble() < 0.003 * running)
            {
                var vm = c.Vms.Where(v => v.Status == "Running").ElementAt(_random.Next(running));
                var index = Array.IndexOf(SizeOrder, vm.Size);
                var to = SizeOrder[Math.Clamp(index + (_random.NextDouble() < 0.6 ? 1 : -1), 0, SizeOrder.Length - 1)];
                if (to != vm.Size)
                    Schedule(Within(hour), () => VmAsync(c, "resize", vm, new ResizeVmCommand(vm.Id, to), to));
            }

            PlanFunding(c, hour, hourlyCost, suspended is not null);

            // Purchases mostly when the wallet can pay (the refusals are real ones all the same).
            if (_random.NextDouble() < 0.01 * demand && (c.Available > 1500m || _random.NextDouble() < 0.15))
                Schedule(Within(hour), () => OrderAsync(c));
            if (_random.NextDouble() < 0.006 * demand)
                Schedule(Within(hour), () => HoldAsync(c));
            if (_random.NextDouble() < 0.003 * demand)
                Schedule(Within(hour), () => WalletPaymentAsync(c));

            // Staff: SLA credits early in the month, rare corrections, the occasional fraud review freeze.
            if (hour.Day == 3 && hour.Hour == 10 && _random.NextDouble() < 0.3)
            {
                var amount = Money(10 + _random.Next(290));
                Schedule(Within(hour), () => AdjustAsync(c, "Credit", amount, $"SLA credit for {hour.AddMonths(-1):MMMM yyyy}"));
            }
            if (_random.NextDouble() < 0.00004)
            {
                var amount = Money(5 + _random.Next(45));
                Schedule(Within(hour), () => AdjustAsync(c, "Debit", amount, "Correction: duplicate SLA credit"));
            }
            if (!c.Frozen && _random.NextDouble() < 0.00005)
            {
                var at = Within(hour);
                var until = at.AddHours(6 + _random.Next(66));
                Schedule(at, () => FreezeAsync(c, true));
                Schedule(until, () => FreezeAsync(c, false));
            }
        }
    }

    private void PlanFunding(Company c, DateTimeOffset hour, decimal hourlyCost, bool hasSuspended)
    {
        if (c.Invoice)
        {
            // Invoice customers settle last month early in the month, and pay down when close to their limit.
            var settle = c.Balance < -(hourlyCost * 24 * 10 + 100m) && hour.Day <= 7 && _random.NextDouble() < 0.01 + c.Diligence * 0.04;
            var nearLimit = c.Available < hourlyCost * 24 * 5 && _random.NextDouble() < 0.02 + c.Diligence * 0.2;
            if (settle || nearLimit || (hasSuspended && _random.NextDouble() < 0.1))
            {
                var amount = Money(Math.Max(100m, -c.Balance + (nearLimit || hasSuspended ? hourlyCost * 730 : 0m)));
                var declined = _random.NextDouble() < 0.05;
                Schedule(Within(hour), () => TopUpAsync(c, amount, declined, "invoice"));
            }
            return;
        }

        // PAYG customers like to keep a little more than the month the funds gate asks for; the careless ones let it run out.
        var runwayShort = c.Available < hourlyCost * 24 * 33 + 50m;
        if (!(runwayShort && !c.StartUp && _random.NextDouble() < c.Diligence * 0.12) && !(hasSuspended && _random.NextDouble() < c.Diligence * 0.3 + 0.03))
            return;
        var topUp = Money(Math.Max(500m, Math.Ceiling((hourlyCost * 730 * 1.5m + 300m - Math.Min(0m, c.Balance)) / 100m) * 100m));
        if (c.FundedBy is { } reseller && reseller.Available > topUp * 2 && _random.NextDouble() < 0.85)
        {
            Schedule(Within(hour), () => TransferAsync(reseller, c, topUp));
            return;
        }
        var isDeclined = _random.NextDouble() < 0.07;
        Schedule(Within(hour), () => TopUpAsync(c, topUp, isDeclined, "payg"));
    }

    private static decimal HourlyCost(Company c) =>
        c.Vms.Where(v => v.Status == "Running").Sum(v => MonthlyPrice[v.Size]) / 730m;

    private static decimal Money(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);

    private string PickSize(Company c) =>
        c.Industry is Industry.Banking or Industry.Mining || c.Scale > 4
            ? LargeSizes[_random.Next(LargeSizes.Length)]
            : SmallSizes[_random.Next(SmallSizes.Length)];

    // ----------------------------------------------------------------------------------------------------------------
    // Activity (each through the real MediatR pipeline)

    private async Task JoinAsync(Company c)
    {
        var created = await AsAdminAsync("customer.create", new CreateCustomerCommand(c.Name, c.Invoice ? "Invoice" : "Payg",
            c.Invoice ? c.CreditLimit : null, null), idempotent: false);
        if (created is null)
            return;
        c.CustomerId = created.CustomerId;
        c.WalletId = created.WalletId;
        c.Available = c.CreditLimit;

        // A first top-up covering the fleet it starts with, then that fleet.
        var initial = Math.Max(1, (int)Math.Round(c.Scale * 0.7));
        var sizes = Enumerable.Range(0, initial).Select(_ => PickSize(c)).ToList();
        var monthly = sizes.Sum(s => MonthlyPrice[s]);
        // The careless ones put in barely the month the funds gate asks for, and run out first.
        var careless = c.Diligence < 0.25;
        if (!c.Invoice || monthly > c.CreditLimit)
            await TopUpAsync(c, careless ? Money(monthly * 1.02m + 10m) : Money(Math.Ceiling((monthly * 1.5m + 300m) / 100m) * 100m),
                declined: !c.StartUp && _random.NextDouble() < 0.04, c.Invoice ? "invoice" : "payg");
        foreach (var size in sizes)
            await ProvisionAsync(c, size);
        if (c.StartUp)
            await AsCustomerAsync(c, "payment.wallet", new PayFromWalletCommand(c.WalletId, Money(monthly * 0.5m), "Onboarding and migration services",
                $"ONB-{_options.Seed}-{c.Index}"));
    }

    private async Task ProvisionAsync(Company c, string? size = null)
    {
        size ??= PickSize(c);
        var name = $"{c.Industry.ToString().ToLowerInvariant()[..3]}-{(c.VmsCreated % 3) switch { 0 => "app", 1 => "db", _ => "web" }}-{c.VmsCreated + 1}";
        var vm = await AsCustomerAsync(c, "vm.provision", new ProvisionVmCommand(c.WalletId, name, size));
        if (vm is null)
            return;
        c.VmsCreated++;
        c.Vms.Add(new SimVm(vm.Id, vm.Name, vm.Size));
    }

    private async Task VmAsync<T>(Company c, string what, SimVm vm, T command, string? newSize = null)
        where T : IRequest<Application.Vms.VmDto>
    {
        if (vm.Status == "Deleted")
            return;
        var result = await AsCustomerAsync(c, "vm." + what, command);
        if (result is null)
            return;
        vm.Status = result.Status;
        vm.Size = newSize ?? result.Size;
    }

    private async Task TopUpAsync(Company c, decimal amount, bool declined, string kind)
    {
        var payment = await AsCustomerAsync(c, $"topup.{kind}", new TopUpWalletCommand(c.WalletId, amount,
            declined ? FakeOutsideServices.DeclinedCard : FakeOutsideServices.ApprovedCard));
        if (payment is null)
            return;
        _counters.Count($"topup.{payment.Status.ToLowerInvariant()}");
        if (payment.Status != "Paid" && payment.Status != "Failed")
            throw new SimulationFailedException($"A card top-up of {amount} for {c.Name} ended {payment.Status}, not Paid or Failed.");
        if (payment.WalletAvailable is { } available)
        {
            c.Available = available;
            c.Balance = payment.WalletBalance ?? c.Balance;
        }
    }

    private async Task TransferAsync(Company from, Company to, decimal amount)
    {
        var transfer = await AsCustomerAsync(from, "transfer.reseller", new CreateTransferCommand(from.WalletId, to.WalletId, amount,
            $"Funding from {from.Name}"));
        if (transfer is not null)
        {
            from.Available -= amount;
            to.Available += amount;
        }
    }

    private async Task OrderAsync(Company c, bool outOfStock = false)
    {
        var lines = 1 + _random.Next(3);
        var items = new List<OrderItemInput?>();
        for (var i = 0; i < lines; i++)
        {
            var (sku, _, price) = Catalogue[_random.Next(Catalogue.Length)];
            items.Add(new OrderItemInput(sku, 1 + _random.Next(3), price));
        }
        var amount = items.Sum(i => i!.Quantity!.Value * i.UnitPrice!.Value);
        var names = string.Join(", ", items.Select(i => Catalogue.First(x => x.Sku == i!.Sku).Name));
        outOfStock |= _random.NextDouble() < 0.08;
        var description = $"Marketplace: {names}{(outOfStock ? " " + FakeOutsideServices.OutOfStockMarker : "")}";
        var cancel = _random.NextDouble() < 0.06;
        var returnIt = !cancel && _random.NextDouble() < 0.06;
        var partial = _random.NextDouble() < 0.5;
        var cancelAfter = TimeSpan.FromMinutes(2 + _random.Next(25));
        var returnAfter = TimeSpan.FromHours(24 + _random.Next(24 * 12));

        // As the orders endpoint does it: place (order + hold) under a lease, then fulfil after that commits.
        var lease = NextGuid();
        var placed = await AsCustomerAsync(c, "order.place", new CreateOrderCommand(c.WalletId, amount, description, items, lease));
        if (placed is null)
            return;
        var step = await AsCustomerAsync(c, "order.fulfil", new FulfilOrderCommand(placed.Id, lease), idempotent: false);
        if (step is null)
            return;
        var order = step.Order;
        _counters.Count($"order.{order.Status.ToLowerInvariant()}");
        if (order.Status == "Fulfilling")
            throw new SimulationFailedException($"Order {order.Id} of {c.Name} stayed Fulfilling although the fulfilment fake always answers.");
        if (order.Status != "Completed")
            return;
        if (cancel)
            Schedule(Now + cancelAfter, async () =>
                _counters.Count((await AsCustomerAsync(c, "order.cancel", new CancelOrderCommand(order.Id, "Ordered by mistake"))) is null
                    ? "order.cancel-refused" : "order.cancelled"));
        else if (returnIt)
        {
            var returned = partial ? Money(order.Amount * 0.4m) : (decimal?)null;
            Schedule(Now + returnAfter, async () =>
                _counters.Count((await AsCustomerAsync(c, "order.return", new ReturnOrderCommand(order.Id, returned,
                    partial ? "Part of the order returned" : "Returned in full"))) is null ? "order.return-refused" : "order.returned"));
        }
    }

    private async Task HoldAsync(Company c, bool forget = false)
    {
        var amount = forget ? 50m : Money(50 + _random.Next(750));
        var expiresIn = 3600 * (6 + _random.Next(66));
        var fate = forget ? 1.0 : _random.NextDouble();
        var after = TimeSpan.FromMinutes(30 + _random.Next(60 * 5));
        var partial = _random.NextDouble() < 0.4;
        var hold = await AsCustomerAsync(c, "hold.place", new PlaceHoldCommand(c.WalletId, amount, "Reserved capacity: burst bandwidth",
            $"burst-{_keys}", expiresIn));
        if (hold is null)
            return;
        if (fate < 0.6)
            Schedule(Now + after, async () =>
                await AsCustomerAsync(c, "hold.capture", new CaptureHoldCommand(hold.Id, partial ? Money(amount * 0.7m) : null)));
        else if (fate < 0.9)
            Schedule(Now + after, async () => await AsCustomerAsync(c, "hold.void", new VoidHoldCommand(hold.Id)));
        // else: forgotten, released by the hold-expiry job.
    }

    private async Task WalletPaymentAsync(Company c)
    {
        var amount = Money(100 + _random.Next(2400));
        var refund = _random.NextDouble() < 0.25;
        var partial = _random.NextDouble() < 0.5;
        var after = TimeSpan.FromHours(2 + _random.Next(24 * 7));
        var payment = await AsCustomerAsync(c, "payment.wallet", new PayFromWalletCommand(c.WalletId, amount, "Professional services",
            $"PS-{_options.Seed}-{_keys}"));
        if (payment is null || !refund)
            return;
        Schedule(Now + after, async () => await AsAdminAsync("refund.admin", new RefundPaymentCommand(payment.Id,
            partial ? Money(amount / 2) : null, partial ? "Partial goodwill refund" : "Service not delivered")));
    }

    private async Task AdjustAsync(Company c, string direction, decimal amount, string reason) =>
        await AsAdminAsync($"adjustment.{direction.ToLowerInvariant()}", new AdjustWalletCommand(c.WalletId, direction, amount, reason));

    private async Task FreezeAsync(Company c, bool frozen)
    {
        var wallet = await AsAdminAsync(frozen ? "wallet.freeze" : "wallet.unfreeze",
            new SetWalletFrozenCommand(c.WalletId, frozen, frozen ? "Fraud review" : "Review closed"), idempotent: false);
        if (wallet is not null)
            c.Frozen = frozen;
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Jobs and checks

    private async Task RunJobAsync(string job, DateTimeOffset scheduledAt, Func<Task<string>>? timedAs = null)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var runner = scope.ServiceProvider.GetRequiredService<JobRunner>();
        var started = Stopwatch.GetTimestamp();
        try
        {
            await runner.RunScheduledOccurrenceAsync(job, scheduledAt, CancellationToken.None);
            var elapsed = Stopwatch.GetElapsedTime(started);
            _counters.Timed(timedAs is null ? $"job {job}" : await timedAs(), elapsed);
        }
        catch (Exception ex)
        {
            throw Failure($"the {job} job failed", ex);
        }
        _counters.Count($"job.{job}");
    }

    /// <summary>
    /// The invariants read everything (a full check) on the first check, every this many checks and at the end; the checks
    /// between read only what changed since the one before (see <see cref="Invariants"/>).
    /// </summary>
    public const int FullInvariantsEveryChecks = 7;

    private async Task DailyCheckAsync(DateTimeOffset at, bool final = false)
    {
        if (_beforeDailyCheck is not null)
            await _beforeDailyCheck(at);
        // The job decides full or incremental (a full check when the last is Integrity:FullCheckEvery old, 7 days here);
        // its time is reported per mode.
        await RunJobAsync("integrity", at, async () => $"job integrity ({(await LatestIntegrityModeAsync()).ToLowerInvariant()})");
        if (final && await LatestIntegrityModeAsync() != nameof(IntegrityCheckMode.Full))
        {
            // The last word on the simulated months is a full check, whatever the schedule's turn (as an operator's would be).
            var fullStarted = Stopwatch.GetTimestamp();
            await using var scope = _host.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IMediator>()
                .Send(new RunIntegrityCheckCommand(IntegrityTrigger.Schedule, IntegrityCheckMode.Full));
            _counters.Timed("integrity (final, full)", Stopwatch.GetElapsedTime(fullStarted));
        }
        var started = Stopwatch.GetTimestamp();
        var full = final || _counters.Get("invariants.checked") % FullInvariantsEveryChecks == 0;
        var problems = await _invariants.CheckAsync(Now, full);
        _counters.Timed(full ? "invariant checks (full)" : "invariant checks (daily)", Stopwatch.GetElapsedTime(started));
        _counters.Count("invariants.checked");
        if (_host.Errors.Count > 0)
            problems.Add($"the application logged {_host.Errors.Count} error(s), first: {string.Join(" | ", _host.Errors.First)}");
        if (problems.Count > 0)
            throw Failure("invariants broken:" + Environment.NewLine + "  - " + string.Join(Environment.NewLine + "  - ", problems));
        if (at.Day == 1 || at >= _options.End)
            _out.WriteLine($"  {at:yyyy-MM-dd HH:mm}  ok  ({_counters.Get("commands")} commands so far)");
    }

    private async Task<string> LatestIntegrityModeAsync()
    {
        await using var connection = new NpgsqlConnection(_host.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT mode FROM integrity_reports ORDER BY finished_at DESC, id DESC LIMIT 1", connection);
        return (string?)await command.ExecuteScalarAsync() ?? "none";
    }

    /// <summary>Reads every wallet's figures and every VM's status and size after the billing run (which suspends).</summary>
    private async Task RefreshAsync()
    {
        var started = Stopwatch.GetTimestamp();
        var wallets = new Dictionary<Guid, (decimal Balance, decimal Available, bool Frozen)>();
        var vms = new Dictionary<Guid, (string Status, string Size)>();
        await using (var connection = new NpgsqlConnection(_host.ConnectionString))
        {
            await connection.OpenAsync();
            await using (var command = new NpgsqlCommand("SELECT id, balance, balance + credit_limit - held, status = 'Frozen' FROM wallets", connection))
            await using (var reader = await command.ExecuteReaderAsync())
                while (await reader.ReadAsync())
                    wallets[reader.GetGuid(0)] = (reader.GetDecimal(1), reader.GetDecimal(2), reader.GetBoolean(3));
            await using (var command = new NpgsqlCommand("SELECT id, status, size FROM vms WHERE status <> 'Deleted'", connection))
            await using (var reader = await command.ExecuteReaderAsync())
                while (await reader.ReadAsync())
                    vms[reader.GetGuid(0)] = (reader.GetString(1), reader.GetString(2));
        }
        foreach (var c in _companies.Where(c => c.WalletId != Guid.Empty))
        {
            if (wallets.TryGetValue(c.WalletId, out var w))
                (c.Balance, c.Available, c.Frozen) = w;
            foreach (var vm in c.Vms)
                if (vms.TryGetValue(vm.Id, out var v))
                    (vm.Status, vm.Size) = v;
                else
                    vm.Status = "Deleted";
            c.Vms.RemoveAll(v => v.Status == "Deleted");
        }
        _counters.Timed("hourly read-back", Stopwatch.GetElapsedTime(started));
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Sending

    private Guid NextGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes[..8], ((long)_options.Seed << 40) ^ ++_keys);
        BitConverter.TryWriteBytes(bytes[8..], _random.NextInt64());
        return new Guid(bytes);
    }

    private Task<T?> AsCustomerAsync<T>(Company c, string kind, IRequest<T> request, bool idempotent = true) =>
        SendAsync(kind, request, caller => caller.ActAsCustomer(c.CustomerId, idempotent ? Key(kind) : null, NextGuid()));

    private Task<T?> AsAdminAsync<T>(string kind, IRequest<T> request, bool idempotent = true) =>
        SendAsync(kind, request, caller => caller.ActAsAdmin(idempotent ? Key(kind) : null, NextGuid()));

    private string Key(string kind) => $"sim-{_options.Seed}-{kind}-{_keys + 1}";

    /// <summary>
    /// One request in its own DI scope, as the API handles one HTTP request. A domain refusal (insufficient funds, a frozen
    /// wallet, a hold no longer active…) is an expected outcome and is counted; anything else stops the simulation.
    /// </summary>
    private async Task<T?> SendAsync<T>(string kind, IRequest<T> request, Action<SimulatedCaller> as_)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        as_(scope.ServiceProvider.GetRequiredService<SimulatedCaller>());
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        _counters.Count("commands");
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await mediator.Send(request, CancellationToken.None);
            _counters.Timed("command " + kind, Stopwatch.GetElapsedTime(started));
            _counters.Count(kind);
            return result;
        }
        catch (DomainException ex)
        {
            _counters.Refused(kind, ex.Code);
            return default;
        }
        catch (Exception ex)
        {
            throw Failure($"{kind} ({request.GetType().Name}) threw", ex);
        }
    }

    private SimulationFailedException Failure(string what, Exception? inner = null) =>
        new($"Simulation failed at simulated time {Now:yyyy-MM-dd HH:mm:ss}Z (seed {_options.Seed}, {_options.Companies} companies, " +
            $"{_options.Length} from {_options.Start:yyyy-MM-dd'T'HH}): {what}{(inner is null ? "" : $": {inner.GetType().Name}: {inner.Message}")}", inner);
}
