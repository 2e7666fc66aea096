namespace CleanWallet.Infrastructure.Fulfilment;

/// <summary>Section "Fulfilment": how the fulfilment service is reached and how often stuck orders are taken up again.</summary>
public sealed class FulfilmentOptions
{
    /// <summary>Base URL of a fulfilment service speaking the contract of <see cref="HttpFulfilmentService"/>; empty uses the built-in simulation.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Per attempt: a slower answer counts as a failed attempt.</summary>
    public int TimeoutSeconds { get; set; } = 5;

    /// <summary>Calls per fulfilment, the first included.</summary>
    public int MaxAttempts { get; set; } = 3;

    public int RetryBaseDelayMilliseconds { get; set; } = 200;

    /// <summary>How often the recovery step looks for stuck orders; 0 switches it off.</summary>
    public int RecoveryIntervalSeconds { get; set; } = 60;
}
