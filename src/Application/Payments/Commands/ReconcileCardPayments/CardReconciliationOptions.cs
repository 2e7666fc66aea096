namespace CleanWallet.Application.Payments.Commands.ReconcileCardPayments;

/// <summary>Settings under <c>CardGateway</c> that the reconciliation job reads.</summary>
public sealed class CardReconciliationOptions
{
    /// <summary>
    /// A card payment still Pending this long after it was created is asked about at the processor. Longer than a request
    /// takes (the processor's timeout and retries), so a charge still in flight is not asked about.
    /// </summary>
    public int ReconcileAfterSeconds { get; set; } = 300;

    /// <summary>At most this many payments are reconciled per run, oldest first; the rest wait for the next run.</summary>
    public int ReconcileBatchSize { get; set; } = 100;
}
