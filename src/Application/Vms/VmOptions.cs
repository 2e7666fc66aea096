namespace CleanWallet.Application.Vms;

/// <summary>Settings under <c>Vms</c>: the size catalogue and its prices.</summary>
public sealed class VmOptions
{
    /// <summary>Hours a monthly price is spread over (730 = 365 × 24 / 12).</summary>
    public int HoursPerMonth { get; set; } = 730;

    /// <summary>Provisioning, starting or resizing up needs funds for this many hours at the size (730: a month).</summary>
    public int FundsCheckHours { get; set; } = 730;

    public Dictionary<string, VmSizeOptions> Sizes { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
