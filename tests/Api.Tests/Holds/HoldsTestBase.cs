using System.Net;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Application.Holds.Commands.ExpireHolds;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace CleanWallet.Api.Tests.Holds;

/// <summary>Holds through the real API on a clock the tests move (scheduling off: expiry runs when a test sends its command).</summary>
public abstract class HoldsTestBase(TestDatabase database) : ApiTestBase(database)
{
    protected MutableClock Clock { get; } = new(DateTimeOffset.UtcNow);

    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    protected override ApiFactory CreateFactory() =>
        ApiFactory.StartOnKestrel(Database.ConnectionString, services => services.AddSingleton<TimeProvider>(Clock), Settings);

    protected static string HoldsUrl(Guid walletId) => $"/api/v1/wallets/{walletId}/holds";

    protected static string HoldUrl(Guid holdId) => $"/api/v1/holds/{holdId}";

    protected Task<HttpResponseMessage> PlaceHold(TestCustomer customer, decimal amount, string description = "Reservation",
        int? expiresInSeconds = null, string? key = null, HttpClient? client = null) =>
        (client ?? Client(customer.ApiKey)).SendAsync(Post(HoldsUrl(customer.WalletId),
            expiresInSeconds is null ? new { amount, description } : new { amount, description, expiresInSeconds }, key));

    /// <summary>Places a hold that must be accepted and returns its id.</summary>
    protected async Task<Guid> PlaceHoldAsync(TestCustomer customer, decimal amount, int? expiresInSeconds = null)
    {
        var response = await PlaceHold(customer, amount, expiresInSeconds: expiresInSeconds);
        await AssertStatus(response, HttpStatusCode.Created);
        return Guid.Parse((string)(await ReadJson(response))["id"]!);
    }

    protected Task<HttpResponseMessage> Capture(Guid holdId, string apiKey, decimal? amount = null, string? key = null) =>
        Client(apiKey).SendAsync(Post($"{HoldUrl(holdId)}/capture", amount is null ? new { } : new { amount }, key));

    protected Task<HttpResponseMessage> Void(Guid holdId, string apiKey, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{HoldUrl(holdId)}/void");
        if (key is not null)
            request.Headers.Add("Idempotency-Key", key);
        return Client(apiKey).SendAsync(request);
    }

    protected async Task<JsonObject> GetHoldAsync(Guid holdId)
    {
        var response = await AdminClient().GetAsync(HoldUrl(holdId));
        await AssertStatus(response, HttpStatusCode.OK);
        return await ReadJson(response);
    }

    /// <summary>The hold-expiry job's work, as the job sends it.</summary>
    protected async Task<HoldExpiryReport> ExpireHoldsAsync(int? batchSize = null)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new ExpireHoldsCommand(batchSize));
    }

    /// <summary>Held, available and balance as the wallet endpoint shows them.</summary>
    protected async Task<(decimal Balance, decimal Held, decimal Available)> FundsAsync(Guid walletId)
    {
        var wallet = await GetWalletAsync(walletId);
        return ((decimal)wallet["balance"]!, (decimal)wallet["held"]!, (decimal)wallet["available"]!);
    }

    /// <summary>The balance equals the sum of the ledger, and held equals the sum of the Active holds, in the database.</summary>
    protected async Task AssertBooksBalanceAsync(Guid walletId)
    {
        Assert.Equal(
            await Database.ScalarAsync<decimal>("SELECT balance FROM wallets WHERE id = $1", walletId),
            await Database.ScalarAsync<decimal>(
                "SELECT coalesce(sum(CASE direction WHEN 'Credit' THEN amount ELSE -amount END), 0) FROM ledger_entries WHERE wallet_id = $1",
                walletId));
        Assert.Equal(
            await Database.ScalarAsync<decimal>("SELECT held FROM wallets WHERE id = $1", walletId),
            await Database.ScalarAsync<decimal>("SELECT coalesce(sum(amount), 0) FROM holds WHERE wallet_id = $1 AND status = 'Active'", walletId));
    }
}
