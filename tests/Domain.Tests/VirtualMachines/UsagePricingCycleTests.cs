using CleanWallet.Domain.VirtualMachines;

namespace CleanWallet.Domain.Tests.VirtualMachines;

/// <summary>The billing run's SQL prices every hour from one cycle of amounts; that is only right if the cycle repeats exactly.</summary>
public sealed class UsagePricingCycleTests
{
    [Theory]
    [InlineData(0.00, 730)]
    [InlineData(0.01, 730)]
    [InlineData(150.00, 730)]
    [InlineData(333.33, 730)]
    [InlineData(1200.00, 744)]
    [InlineData(9999.99, 7)]
    [InlineData(0.05, 3)]
    public void Every_hour_costs_what_its_place_in_one_cycle_costs(double monthly, int hoursPerMonth)
    {
        var rate = new VmRate((decimal)monthly, hoursPerMonth);
        var cycle = UsagePricing.AmountsOfOneCycle(rate);

        Assert.Equal(rate.MonthlyPrice, cycle.Sum());
        for (long n = 1; n <= 3L * hoursPerMonth + 5; n++)
            Assert.Equal(UsagePricing.AmountOfHour(rate, n), cycle[(n - 1) % hoursPerMonth]);
    }

    [Fact]
    public void Consecutive_hours_add_up_to_the_cumulative_price()
    {
        var rate = new VmRate(300.00m, 730);

        var total = Enumerable.Range(1, 1000).Sum(n => UsagePricing.AmountOfHour(rate, n));

        Assert.Equal(UsagePricing.CostOfHours(300.00m, 730, 1000), total);
    }

    [Fact]
    public void A_price_with_more_than_two_decimals_has_no_cycle()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => UsagePricing.AmountsOfOneCycle(new VmRate(1.005m, 730)));
    }
}
