namespace CleanWallet.Application.Common;

/// <summary>Risk limits on money movements; every one is a setting.</summary>
public sealed class LimitOptions
{
    /// <summary>Movements of this amount or more are flagged in the audit log for review.</summary>
    public decimal ReviewThreshold { get; set; } = 10_000m;
}
