using System.Net;
using System.Net.Http.Json;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace CleanWallet.Infrastructure.Payments;

public sealed class CardGatewayOptions
{
    /// <summary>Base URL of a card processor speaking the JSON contract below; empty uses the built-in simulator.</summary>
    public string? BaseUrl { get; set; }

    public int TimeoutSeconds { get; set; } = 5;

    public int MaxRetries { get; set; } = 2;

    public int RetryBaseDelayMilliseconds { get; set; } = 200;
}
