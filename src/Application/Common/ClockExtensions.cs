namespace CleanWallet.Application.Common;

public static class ClockExtensions
{
    /// <summary>
    /// Now, cut to the microsecond precision PostgreSQL stores, so the timestamps in a command's answer are the
    /// ones every later read returns.
    /// </summary>
    public static DateTimeOffset StorableNow(this TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return new DateTimeOffset(now.Ticks - now.Ticks % (TimeSpan.TicksPerMillisecond / 1000), TimeSpan.Zero);
    }
}
