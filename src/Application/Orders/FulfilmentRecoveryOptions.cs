namespace CleanWallet.Application.Orders;

/// <summary>How orders still Fulfilling are taken up again (section "Fulfilment", shared with the HTTP adapter's settings).</summary>
public sealed class FulfilmentRecoveryOptions
{
    /// <summary>
    /// How long one claim on an order lasts: the node that claimed it (the request, or a recovery run) is the only one
    /// calling fulfilment for it meanwhile. Longer than a whole fulfilment call with its retries; a node that dies mid-way
    /// leaves the order to recovery once this passes.
    /// </summary>
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>After an unclear answer (timeout, 5xx, in progress, no fulfilment id), recovery asks again this much later.</summary>
    public int RecoverAfterSeconds { get; set; } = 300;

    /// <summary>How many Fulfilling orders (whose lease passed, oldest first) one recovery run takes up.</summary>
    public int RecoveryBatchSize { get; set; } = 50;

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);

    public TimeSpan RecoverAfter => TimeSpan.FromSeconds(RecoverAfterSeconds);
}
