namespace CleanWallet.Domain.Common;

/// <summary>A hold's id.</summary>
public readonly record struct HoldId(Guid Value)
{
    public static HoldId New(DateTimeOffset now) => new(Guid.CreateVersion7(now));
    public override string ToString() => Value.ToString();
}
