namespace CleanWallet.Domain.Common;

/// <summary>A customer's id.</summary>
public readonly record struct CustomerId(Guid Value)
{
    public override string ToString() => Value.ToString();
}
