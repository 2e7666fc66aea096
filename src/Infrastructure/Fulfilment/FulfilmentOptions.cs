namespace CleanWallet.Infrastructure.Fulfilment;

/// <summary>
/// Section "Fulfilment": how the fulfilment service is reached. When orders are taken up again is in
/// <c>FulfilmentRecoveryOptions</c> (same section) and the <c>order-recovery</c> job's cron.
/// </summary>
public sealed class FulfilmentOptions
{
    /// <summary>Base URL of a fulfilment service speaking the contract of <see cref="HttpFulfilmentService"/>; empty uses the built-in simulation.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Per attempt: a slower answer counts as a failed attempt.</summary>
    public int TimeoutSeconds { get; set; } = 5;

    /// <summary>Calls per fulfilment, the first included.</summary>
    public int MaxAttempts { get; set; } = 3;

    public int RetryBaseDelayMilliseconds { get; set; } = 200;

    /// <summary>The longest one fulfilment call may take, retries and backoff included: a lease must be longer.</summary>
    public TimeSpan LongestCall =>
        TimeSpan.FromSeconds((double)TimeoutSeconds * MaxAttempts)
        + TimeSpan.FromMilliseconds(RetryBaseDelayMilliseconds * (Math.Pow(2, Math.Max(MaxAttempts - 1, 0)) - 1) * 1.5);
}
