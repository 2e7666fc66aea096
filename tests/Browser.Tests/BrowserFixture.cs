using Microsoft.Playwright;

namespace CleanWallet.Browser.Tests;

/// <summary>
/// Headless Chromium as installed by the system (apt's <c>chromium</c>), driven by Playwright. Playwright's own browser
/// downloads are never used: the executable is given explicitly.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>
    /// The browser tests run one class at a time: each starts an API host with a Hangfire server on its own database,
    /// and Hangfire keeps some process-wide state (its GlobalConfiguration: job activator, logging), so two hosts on
    /// two databases in one process must not run at once. (One process per node in production; the Api tests run on
    /// one database, sequentially.)
    /// </summary>
    public const string Sequential = "browser tests, one Hangfire host at a time";

    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: install it with 'apt-get install -y chromium' (.ci/run does).");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
