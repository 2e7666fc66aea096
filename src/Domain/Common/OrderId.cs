namespace CleanWallet.Domain.Common;

/// <summary>An order's id.</summary>
public readonly record struct OrderId(Guid Value)
{
    public static OrderId New(DateTimeOffset now) => new(Guid.CreateVersion7(now));
    public override string ToString() => Value.ToString();
}
