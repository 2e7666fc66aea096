namespace CleanWallet.Domain.Common;

// Typed ids for the signatures where several Guids sit side by side (a wallet, the customer that owns it, the
// payment a movement is for, the hold it settles): passing one for another is a compile error, not a wrong row.
// Rows and DTOs keep plain Guids; a typed id wraps one at the edge of the domain and unwraps with Value.

/// <summary>A wallet's id.</summary>
public readonly record struct WalletId(Guid Value)
{
    public override string ToString() => Value.ToString();
}
