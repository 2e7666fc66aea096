namespace CleanWallet.Application.Orders;

/// <summary>Order rules that are settings (section "Orders").</summary>
public sealed class OrderOptions
{
    /// <summary>How long after payment a fulfilled order may still be cancelled (then only returned).</summary>
    public int CancellationWindowMinutes { get; set; } = 30;

    public TimeSpan CancellationWindow => TimeSpan.FromMinutes(CancellationWindowMinutes);
}

/// <summary>When a paid but unfulfilled order counts as stuck (section "Fulfilment", shared with the HTTP adapter's settings).</summary>
public sealed class FulfilmentRecoveryOptions
{
    /// <summary>An order Paid for this long without an outcome is fulfilled again by the recovery step.</summary>
    public int RecoverAfterSeconds { get; set; } = 300;

    /// <summary>How many stuck orders (oldest first) one recovery run takes up.</summary>
    public int RecoveryBatchSize { get; set; } = 50;
}
