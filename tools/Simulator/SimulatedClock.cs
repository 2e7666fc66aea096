namespace CleanWallet.Simulator;

/// <summary>
/// The simulation's clock, injected in place of <see cref="TimeProvider.System"/>: every handler, the billing run, the
/// integrity check and the job history read simulated time. Only the simulation moves it, and only forwards.
/// </summary>
public sealed class SimulatedClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public DateTimeOffset Now => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;

    /// <summary>Moves the clock to <paramref name="instant"/>; never backwards (a wallet's ledger is in time order).</summary>
    public void MoveTo(DateTimeOffset instant)
    {
        if (instant.UtcTicks < Interlocked.Read(ref _ticks))
            throw new InvalidOperationException($"The simulated clock cannot go back from {Now:O} to {instant:O}.");
        Interlocked.Exchange(ref _ticks, instant.UtcTicks);
    }
}
