namespace CleanWallet.Domain.Wallets;

/// <summary>What caused a ledger movement: every entry names it, so every movement is explainable.</summary>
public readonly record struct LedgerReference(string Type, Guid Id)
{
    public const string Payment = "payment";
    public const string Order = "order";
    public const string Transfer = "transfer";
    public const string VmUsage = "vm_usage";
    public const string Adjustment = "adjustment";

    public static LedgerReference ForPayment(Guid paymentId) => new(Payment, paymentId);
}

/// <summary>A captured hold: the Wallet payment it made and that payment's ledger entry, to be stored with the hold.</summary>
public sealed record HoldCapture(Payments.PaymentRecord Payment, LedgerEntry Entry);
