namespace CleanWallet.Application.Orders;

/// <summary>Order rules that are settings (section "Orders").</summary>
public sealed class OrderOptions
{
    /// <summary>How long after payment a fulfilled order may still be cancelled (then only returned).</summary>
    public int CancellationWindowMinutes { get; set; } = 30;

    /// <summary>
    /// How long after placing an order fulfilment is asked for. Past it, recovery asks one last time and, without a
    /// definite answer, voids the hold and fails the order (logged as needing attention).
    /// </summary>
    public int FulfilmentDeadlineMinutes { get; set; } = 60;

    /// <summary>When an order's hold expires; must be later than the deadline, so the hold outlives every attempt.</summary>
    public int HoldExpiryMinutes { get; set; } = 180;

    public TimeSpan CancellationWindow => TimeSpan.FromMinutes(CancellationWindowMinutes);

    public TimeSpan FulfilmentDeadline => TimeSpan.FromMinutes(FulfilmentDeadlineMinutes);

    public TimeSpan HoldExpiry => TimeSpan.FromMinutes(HoldExpiryMinutes);

    /// <summary>The start-up check: null when the settings make sense, otherwise what is wrong.</summary>
    public string? Problem() =>
        CancellationWindowMinutes < 0 ? "Orders:CancellationWindowMinutes must not be negative."
        : FulfilmentDeadlineMinutes <= 0 ? "Orders:FulfilmentDeadlineMinutes must be positive."
        : HoldExpiryMinutes <= FulfilmentDeadlineMinutes
            ? $"Orders:HoldExpiryMinutes ({HoldExpiryMinutes}) must be greater than Orders:FulfilmentDeadlineMinutes ({FulfilmentDeadlineMinutes}): " +
              "an order's hold must outlive every attempt to fulfil it."
        : null;
}
