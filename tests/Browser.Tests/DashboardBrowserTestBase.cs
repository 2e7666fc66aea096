using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CleanWallet.Browser.Tests;

/// <summary>
/// What every dashboard test in the browser starts from: the real API on Kestrel with the scheduler running, on a
/// freshly reset database, a browser context pointed at it, and an admin to create what the test needs.
/// </summary>
public abstract class DashboardBrowserTestBase(TestDatabase database, BrowserFixture browser) : IAsyncLifetime
{
    protected static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    private ApiFactory _api = null!;

    protected TestDatabase Database { get; } = database;
    protected Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _api = ApiFactory.StartOnKestrel(Database.ConnectionString,
            settings: new Dictionary<string, string?> { ["Scheduling:Enabled"] = "true" });
        await Database.ResetAsync();
        var address = _api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    /// <summary>A desktop-sized browser context whose relative URLs go to the API.</summary>
    protected Task<IBrowserContext> NewContextAsync() => browser.Browser.NewContextAsync(new BrowserNewContextOptions
    {
        BaseURL = BaseAddress.ToString(),
        ViewportSize = new ViewportSize { Width = 1440, Height = 1000 },
    });

    protected async Task<string> CreateOpsKeyAsync() =>
        (string)(await AdminPostAsync("/api/v1/admin/api-keys", new { name = "browser test", role = "ops" }))["apiKey"]!;

    protected async Task<JsonObject> AdminPostAsync(string path, object body)
    {
        using var admin = new HttpClient { BaseAddress = BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiFactory.AdminKey);
        var response = await admin.PostAsJsonAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}
