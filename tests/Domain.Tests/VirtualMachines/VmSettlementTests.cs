using CleanWallet.Domain.VirtualMachines;

namespace CleanWallet.Domain.Tests.VirtualMachines;

public class VmSettlementTests
{
    private static readonly DateTimeOffset Hour0 = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly VmRate Small = new(150.00m, 730);
    private static readonly VmRate Medium = new(300.00m, 730);

    private static VirtualMachine NewVm(DateTimeOffset at, string size = "Small") =>
        VirtualMachine.Provision(Guid.NewGuid(), Guid.NewGuid(), "db-1", size, at);

    [Theory]
    [InlineData(0)]
    [InlineData(59)]
    public void Hours_floor_to_the_utc_clock_hour(int minute)
    {
        var local = new DateTimeOffset(2025, 3, 1, 12, minute, 59, TimeSpan.FromHours(2)).AddTicks(123);

        var floor = BillingHour.Floor(local);

        Assert.Equal(new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero), floor);
        Assert.Equal(TimeSpan.Zero, floor.Offset);
        Assert.True(BillingHour.IsOnTheHour(floor));
    }

    [Fact]
    public void Each_hour_costs_its_cumulative_rounding_share()
    {
        var vm = NewVm(Hour0);

        var settlement = vm.Stop(Small, Hour0.AddHours(3).AddMinutes(1));

        // 150/730 = 0.20548…: cumulative 0.21, 0.41, 0.62, 0.82 → 0.21, 0.20, 0.21, 0.20.
        Assert.Equal([0.21m, 0.20m, 0.21m, 0.20m], settlement.Hours.Select(h => h.Amount));
        Assert.Equal(0.82m, settlement.Total);
        Assert.Equal(Enumerable.Range(0, 4).Select(i => Hour0.AddHours(i)), settlement.Hours.Select(h => h.HourStart));
        Assert.Equal(Hour0, settlement.From);
        Assert.Equal(Hour0.AddHours(4), settlement.To);
        Assert.Equal(4L, vm.SizeHoursBilled);
        Assert.Equal(Hour0.AddHours(4), vm.BilledThrough);
    }

    [Fact]
    public void Seven_hundred_thirty_hours_of_small_cost_exactly_the_monthly_price()
    {
        var vm = NewVm(Hour0);

        var settlement = vm.Stop(Small, Hour0.AddHours(729).AddMinutes(59));

        Assert.Equal(730, settlement.Hours.Count);
        Assert.Equal(150.00m, settlement.Total);
        Assert.Equal(UsagePricing.CostOfHours(150.00m, 730, 730), settlement.Total);
    }

    [Fact]
    public void Hours_settled_in_pieces_cost_the_same_as_settled_at_once()
    {
        var whole = NewVm(Hour0);
        var pieces = NewVm(Hour0);
        var end = Hour0.AddHours(99).AddMinutes(30);

        var once = whole.Stop(Small, end).Total;
        var total = 0m;
        for (var hour = 0; hour < 99; hour += 7)
        {
            total += pieces.Stop(Small, Hour0.AddHours(hour).AddMinutes(45)).Total;
            pieces.Start(Hour0.AddHours(hour + 1));
        }
        total += pieces.Stop(Small, end).Total;

        Assert.Equal(UsagePricing.CostOfHours(150.00m, 730, 100), once);
        Assert.Equal(once, total);
    }

    [Fact]
    public void Settling_twice_in_the_same_hour_bills_it_once()
    {
        var vm = NewVm(Hour0.AddMinutes(10));

        var first = vm.Settle(Small, Hour0.AddMinutes(20));
        var second = vm.Settle(Small, Hour0.AddMinutes(50));

        Assert.Single(first.Hours);
        Assert.True(second.IsEmpty);
        Assert.Equal(0m, second.Total);
        Assert.Null(second.From);
    }

    [Fact]
    public void A_vm_that_is_not_running_settles_nothing()
    {
        var vm = NewVm(Hour0);
        vm.Stop(Small, Hour0);

        Assert.True(vm.Settle(Small, Hour0.AddHours(10)).IsEmpty);
        Assert.Equal(Hour0.AddHours(1), vm.BilledThrough);
    }

    [Fact]
    public void A_settlement_starts_where_the_billing_run_left_off()
    {
        var vm = NewVm(Hour0);
        // As if the billing run had settled the first two hours: the settlement continues the count from there.
        vm.Settle(Small, Hour0.AddHours(1));

        var settlement = vm.Stop(Small, Hour0.AddHours(2).AddMinutes(5));

        Assert.Equal([Hour0.AddHours(2)], settlement.Hours.Select(h => h.HourStart));
        Assert.Equal(UsagePricing.ChargeForHours(150.00m, 730, 2, 1), settlement.Total);
    }

    [Fact]
    public void After_a_resize_the_next_hour_is_billed_at_the_new_size_from_a_fresh_count()
    {
        var vm = NewVm(Hour0);

        var atOldSize = vm.Resize("Medium", Small, Hour0.AddMinutes(30));
        var atNewSize = vm.Stop(Medium, Hour0.AddHours(2).AddMinutes(30));

        Assert.Equal([("Small", 0.21m)], atOldSize.Hours.Select(h => (h.Size, h.Amount)));
        // 300/730 = 0.41096…: cumulative 0.41, 0.82 → 0.41, 0.41.
        Assert.Equal([("Medium", 0.41m), ("Medium", 0.41m)], atNewSize.Hours.Select(h => (h.Size, h.Amount)));
        Assert.Equal([Hour0.AddHours(1), Hour0.AddHours(2)], atNewSize.Hours.Select(h => h.HourStart));
    }

    [Fact]
    public void A_free_size_settles_hours_that_cost_nothing()
    {
        var vm = NewVm(Hour0, "Free");

        var settlement = vm.Stop(new VmRate(0m, 730), Hour0.AddHours(2));

        Assert.Equal(3, settlement.Hours.Count);
        Assert.Equal(0m, settlement.Total);
        var rows = VmUsage.ForSettlement(settlement, Guid.NewGuid(), null, Hour0);
        Assert.All(rows, row => Assert.Null(row.LedgerEntryId));
    }

    [Fact]
    public void Usage_rows_of_a_priced_settlement_must_name_their_ledger_entry()
    {
        var vm = NewVm(Hour0);
        var settlement = vm.Stop(Small, Hour0.AddHours(1));
        var walletId = Guid.NewGuid();
        var entryId = Guid.NewGuid();

        Assert.Throws<InvalidOperationException>(() => VmUsage.ForSettlement(settlement, walletId, null, Hour0));
        var rows = VmUsage.ForSettlement(settlement, walletId, entryId, Hour0.AddHours(1));

        Assert.Equal(2, rows.Count);
        Assert.All(rows, row =>
        {
            Assert.Equal(vm.Id, row.VmId);
            Assert.Equal(walletId, row.WalletId);
            Assert.Equal(entryId, row.LedgerEntryId);
            Assert.Null(row.BillingRunId);
            Assert.True(BillingHour.IsOnTheHour(row.HourStart));
        });
        Assert.Equal(settlement.Total, rows.Sum(r => r.Amount));
    }
}
