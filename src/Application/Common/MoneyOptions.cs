namespace CleanWallet.Application.Common;

/// <summary>Limits on what a single request may move; every one is a setting.</summary>
public sealed class MoneyOptions
{
    /// <summary>The currency of a new customer's wallet when none is given.</summary>
    public string DefaultCurrency { get; set; } = "ZAR";
}
