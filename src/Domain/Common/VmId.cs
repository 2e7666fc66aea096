namespace CleanWallet.Domain.Common;

/// <summary>A virtual machine's id.</summary>
public readonly record struct VmId(Guid Value)
{
    public override string ToString() => Value.ToString();
}
