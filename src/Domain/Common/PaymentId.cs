namespace CleanWallet.Domain.Common;

/// <summary>A payment record's id.</summary>
public readonly record struct PaymentId(Guid Value)
{
    public static PaymentId New(DateTimeOffset now) => new(Guid.CreateVersion7(now));
    public override string ToString() => Value.ToString();
}
