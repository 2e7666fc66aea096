namespace CleanWallet.Domain.VirtualMachines;

/// <summary>
/// Hourly usage priced with cumulative rounding: the first H hours at one size cost exactly
/// round(monthly × H / hoursPerMonth, 2) together, so per-hour rounding never drifts from the monthly price.
/// The billing run's SQL applies the same rule (PostgreSQL's round() also rounds half away from zero).
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

    /// <summary>What <paramref name="count"/> more hours cost after <paramref name="hoursAlreadyBilled"/> at the same size.</summary>
    public static decimal ChargeForHours(decimal monthlyPrice, int hoursPerMonth, long hoursAlreadyBilled, long count) =>
        CostOfHours(monthlyPrice, hoursPerMonth, hoursAlreadyBilled + count) - CostOfHours(monthlyPrice, hoursPerMonth, hoursAlreadyBilled);
}
