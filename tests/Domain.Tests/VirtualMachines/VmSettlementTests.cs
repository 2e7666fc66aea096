using CleanWallet.Domain.VirtualMachines;

namespace CleanWallet.Domain.Tests.VirtualMachines;

public class VmSettlementTests
{
    private static readonly DateTimeOffset Hour0 = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly VmPriceList Prices = TestPrices.Catalogue;

    /// <summary>What one hour costs as the first hour of a run at a size: round(p/730, 2).</summary>
    private static decimal FirstHour(string size) => UsagePricing.CostOfHours(Prices.RateOf(size).MonthlyPrice, 730, 1);

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

        var settlement = vm.Stop(Prices, Hour0.AddHours(4).AddMinutes(1));

        // 150/730 = 0.20548…: cumulative 0.21, 0.41, 0.62, 0.82 → 0.21, 0.20, 0.21, 0.20.
        Assert.Equal([0.21m, 0.20m, 0.21m, 0.20m], settlement.Hours.Select(h => h.Amount));
        Assert.Equal(0.82m, settlement.Total);
        Assert.Equal(Enumerable.Range(0, 4).Select(i => Hour0.AddHours(i)), settlement.Hours.Select(h => h.HourStart));
        Assert.Equal(Hour0, settlement.From);
        Assert.Equal(Hour0.AddHours(4), settlement.To);
        Assert.Equal(("Small", 4L), (vm.BilledSize, vm.SizeHoursBilled));
        Assert.Equal(Hour0.AddHours(4), vm.BilledThrough);
    }

    [Fact]
    public void Seven_hundred_thirty_hours_of_small_cost_exactly_the_monthly_price()
    {
        var vm = NewVm(Hour0);

        var settlement = vm.Delete(Prices, Hour0.AddHours(729).AddMinutes(59));

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

        var once = whole.Delete(Prices, end).Total;
        var total = 0m;
        for (var hour = 0; hour < 99; hour += 7)
        {
            total += pieces.Stop(Prices, Hour0.AddHours(hour).AddMinutes(45)).Total;
            total += pieces.Start(Prices, Hour0.AddHours(hour).AddMinutes(50)).Total;
        }
        total += pieces.Delete(Prices, end).Total;

        Assert.Equal(UsagePricing.CostOfHours(150.00m, 730, 100), once);
        Assert.Equal(once, total);
    }

    [Fact]
    public void Settling_twice_in_the_same_hour_bills_it_once()
    {
        var vm = NewVm(Hour0.AddMinutes(10));

        var first = vm.SettleEndedHours(Prices, Hour0.AddHours(1).AddMinutes(20));
        var second = vm.SettleEndedHours(Prices, Hour0.AddHours(1).AddMinutes(50));

        Assert.Single(first.Hours);
        Assert.True(second.IsEmpty);
        Assert.Equal(0m, second.Total);
        Assert.Null(second.From);
    }

    [Fact]
    public void The_current_hour_is_never_settled_before_it_ends_except_at_delete()
    {
        var vm = NewVm(Hour0.AddMinutes(10));

        Assert.True(vm.SettleEndedHours(Prices, Hour0.AddMinutes(59)).IsEmpty);
        Assert.True(vm.Stop(Prices, Hour0.AddMinutes(59)).IsEmpty);
        Assert.Equal(Hour0, vm.BilledThrough);
    }

    [Fact]
    public void Resizing_up_and_back_down_within_an_hour_bills_that_hour_once_at_the_larger_size()
    {
        var vm = NewVm(Hour0);
        vm.Resize("Enterprise", Prices, Hour0.AddSeconds(1));
        vm.Resize("Small", Prices, Hour0.AddMinutes(59));

        var settlement = vm.SettleEndedHours(Prices, Hour0.AddHours(3).AddMinutes(5));

        Assert.Equal([(Hour0, "Enterprise", FirstHour("Enterprise")), (Hour0.AddHours(1), "Small", 0.21m), (Hour0.AddHours(2), "Small", 0.20m)],
            settlement.Hours.Select(h => (h.HourStart, h.Size, h.Amount)));
    }

    [Fact]
    public void Resizing_up_every_hour_for_a_moment_costs_the_larger_size_for_every_hour()
    {
        var gamed = NewVm(Hour0);
        var total = 0m;
        for (var hour = 0; hour < 24; hour++)
        {
            total += gamed.Resize("Enterprise", Prices, Hour0.AddHours(hour).AddSeconds(1)).Total;
            total += gamed.Resize("Small", Prices, Hour0.AddHours(hour).AddMinutes(59)).Total;
        }
        total += gamed.SettleEndedHours(Prices, Hour0.AddHours(24)).Total;
        var honest = NewVm(Hour0, "Enterprise");

        // Every hour peaks at Enterprise, so the 24 hours are one run at Enterprise, like a VM that stayed Enterprise.
        Assert.Equal(honest.SettleEndedHours(Prices, Hour0.AddHours(24)).Total, total);
        Assert.Equal(UsagePricing.CostOfHours(1200m, 730, 24), total);
    }

    [Fact]
    public void Stopping_resizing_up_and_starting_again_within_a_stopped_hour_bills_the_larger_size_once()
    {
        var vm = NewVm(Hour0);
        vm.Stop(Prices, Hour0.AddMinutes(10));
        vm.Resize("Large", Prices, Hour0.AddMinutes(20));
        vm.Start(Prices, Hour0.AddMinutes(30));
        vm.Stop(Prices, Hour0.AddMinutes(40));
        vm.Resize("Small", Prices, Hour0.AddMinutes(50));

        var settlement = vm.Delete(Prices, Hour0.AddHours(2));

        Assert.Equal([(Hour0, "Large")], settlement.Hours.Select(h => (h.HourStart, h.Size)));
        Assert.Equal(FirstHour("Large"), settlement.Total);
    }

    [Fact]
    public void A_peak_hour_at_the_size_billed_before_continues_that_sizes_run()
    {
        var vm = NewVm(Hour0, "Medium");
        vm.SettleEndedHours(Prices, Hour0.AddHours(2));
        vm.Resize("Small", Prices, Hour0.AddHours(2).AddMinutes(10));

        var settlement = vm.SettleEndedHours(Prices, Hour0.AddHours(4));

        // Hour 2 peaks at Medium: the third hour of Medium's run; hour 3 starts a run at Small.
        Assert.Equal([("Medium", UsagePricing.ChargeForHours(300m, 730, 2, 1)), ("Small", FirstHour("Small"))],
            settlement.Hours.Select(h => (h.Size, h.Amount)));
        Assert.Equal(("Small", 1L), (vm.BilledSize, vm.SizeHoursBilled));
    }

    [Fact]
    public void A_stopped_vm_settles_only_the_hour_it_stopped_in()
    {
        var vm = NewVm(Hour0);
        vm.Stop(Prices, Hour0.AddMinutes(5));

        var settlement = vm.SettleEndedHours(Prices, Hour0.AddHours(10));

        Assert.Equal([Hour0], settlement.Hours.Select(h => h.HourStart));
        Assert.Equal((Hour0.AddHours(1), Hour0.AddHours(10)), (settlement.Idle!.FromHour, settlement.Idle.ToHour));
        Assert.Equal(Hour0.AddHours(10), vm.BilledThrough);
        Assert.Null(vm.PeakSize);
        Assert.True(vm.SettleEndedHours(Prices, Hour0.AddHours(20)).Hours.Count == 0);
    }

    [Fact]
    public void A_free_size_settles_hours_that_cost_nothing()
    {
        var vm = NewVm(Hour0, "Free");

        var settlement = vm.Delete(Prices, Hour0.AddHours(2));

        Assert.Equal(3, settlement.Hours.Count);
        Assert.Equal(0m, settlement.Total);
        var rows = VmUsage.ForSettlement(settlement, Guid.NewGuid(), null, Hour0);
        Assert.All(rows, row => Assert.Null(row.LedgerEntryId));
    }

    [Fact]
    public void Usage_rows_of_a_priced_settlement_must_name_their_ledger_entry()
    {
        var vm = NewVm(Hour0);
        var settlement = vm.Delete(Prices, Hour0.AddHours(1));
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
