namespace CleanWallet.Application.Billing;

/// <summary>Settings under <c>Billing</c>.</summary>
public sealed class BillingOptions
{
    /// <summary>VMs billed per transaction: large enough for set-based speed, small enough to hold wallet locks briefly.</summary>
    public int BatchSize { get; set; } = 2000;

    /// <summary>
    /// A run gives up after this many failed batches in a row: by then the database itself is the likely problem, and
    /// the next run bills whatever is left. A single failed batch is skipped and the run carries on.
    /// </summary>
    public int MaxConsecutiveFailedBatches { get; set; } = 3;
}
