namespace CleanWallet.Domain.VirtualMachines;

/// <summary>
/// Hourly usage priced with cumulative rounding: the first H hours at one size cost exactly
/// round(monthly × H / hoursPerMonth, 2) together, so per-hour rounding never drifts from the monthly price.
/// This is the only definition of what an hour costs: a stop, resize or delete settles with <see cref="AmountOfHour"/>,
/// and the set-based billing run looks its amounts up in <see cref="AmountsOfOneCycle"/>, computed here.
/// </summary>
public static class UsagePricing
{
    /// <summary>What the first <paramref name="hours"/> hours at a size cost in total.</summary>
    public static decimal CostOfHours(decimal monthlyPrice, int hoursPerMonth, long hours)
    {
        if (monthlyPrice < 0m)
            throw new ArgumentOutOfRangeException(nameof(monthlyPrice), "A price cannot be negative.");
        if (hoursPerMonth <= 0)
            throw new ArgumentOutOfRangeException(nameof(hoursPerMonth), "A month has a positive number of hours.");
        if (hours < 0)
            throw new ArgumentOutOfRangeException(nameof(hours), "Hours cannot be negative.");
        return Math.Round(monthlyPrice * hours / hoursPerMonth, 2, MidpointRounding.AwayFromZero);
    }

    /// <summary>What the <paramref name="n"/>-th consecutive hour at a rate costs (n ≥ 1): the first n hours' cost minus the first n − 1's.</summary>
    public static decimal AmountOfHour(VmRate rate, long n)
    {
        if (n < 1)
            throw new ArgumentOutOfRangeException(nameof(n), "Hours are counted from 1.");
        return ChargeForHours(rate.MonthlyPrice, rate.HoursPerMonth, n - 1, 1);
    }

    /// <summary>
    /// The amounts of hours 1 … HoursPerMonth at a rate. They repeat: hour n + HoursPerMonth costs what hour n does,
    /// because a whole month adds exactly the monthly price, a non-negative amount of whole cents that moves no rounding.
    /// So this one cycle prices every hour, <c>AmountOfHour(rate, n) = cycle[(n − 1) mod HoursPerMonth]</c>, and the
    /// billing run's SQL looks its amounts up in it rather than computing them a second time.
    /// </summary>
    public static decimal[] AmountsOfOneCycle(VmRate rate)
    {
        if (!Common.Money.HasAtMostTwoDecimals(rate.MonthlyPrice))
            throw new ArgumentOutOfRangeException(nameof(rate), "A monthly price has at most two decimals.");
        var cycle = new decimal[rate.HoursPerMonth];
        for (var n = 1; n <= rate.HoursPerMonth; n++)
            cycle[n - 1] = AmountOfHour(rate, n);
        return cycle;
    }

    /// <summary>What <paramref name="count"/> more hours cost after <paramref name="hoursAlreadyBilled"/> at the same size.</summary>
    public static decimal ChargeForHours(decimal monthlyPrice, int hoursPerMonth, long hoursAlreadyBilled, long count) =>
        CostOfHours(monthlyPrice, hoursPerMonth, hoursAlreadyBilled + count) - CostOfHours(monthlyPrice, hoursPerMonth, hoursAlreadyBilled);
}
