namespace CleanWallet.Api.Hosting;

public sealed class RateLimitingOptions
{
    /// <summary>Requests each API key (or, without a key, each client IP) may make per window.</summary>
    public int PermitsPerMinute { get; set; } = 100;

    /// <summary>The window length; a minute unless a test wants to see the limit recover quickly.</summary>
    public int WindowSeconds { get; set; } = 60;
}
