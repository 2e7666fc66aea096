namespace CleanWallet.Domain.VirtualMachines;

/// <summary>The billing unit is the UTC clock hour.</summary>
public static class BillingHour
{
    public static readonly TimeSpan Length = TimeSpan.FromHours(1);

    /// <summary>The start of the clock hour holding <paramref name="instant"/>, in UTC.</summary>
    public static DateTimeOffset Floor(DateTimeOffset instant)
    {
        var ticks = instant.UtcTicks;
        return new DateTimeOffset(ticks - ticks % TimeSpan.TicksPerHour, TimeSpan.Zero);
    }

    public static bool IsOnTheHour(DateTimeOffset instant) => instant.UtcTicks % TimeSpan.TicksPerHour == 0;
}
