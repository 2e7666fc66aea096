using System.Net;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Application.Common;
using CleanWallet.Domain.Common;
using CleanWallet.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CleanWallet.Api.Tests.Holds;

/// <summary>
/// Placing a hold writes its rows by hand (the unit of work's write batch, its SQL taken from EF Core's model), not
/// through SaveChanges: the rows must be exactly the ones SaveChanges would write.
/// </summary>
public sealed class HoldWriteBatchTests(TestDatabase database) : HoldsTestBase(database)
{
    [Fact]
    public async Task A_hold_placed_through_the_write_batch_writes_the_same_rows_as_the_same_hold_through_SaveChanges()
    {
        var raw = await CreateCustomerAsync(name: "Raw");
        var tracked = await CreateCustomerAsync(name: "Tracked");
        await TopUpAsync(raw.WalletId, 100m);
        await TopUpAsync(tracked.WalletId, 100m);

        var response = await Client(raw.ApiKey).SendAsync(Post(HoldsUrl(raw.WalletId),
            new { amount = 30.25m, description = "Hotel night", reference = "booking-9", expiresInSeconds = 3600 }, "parity-key"));
        await AssertStatus(response, HttpStatusCode.Created);
        var rawHoldId = Guid.Parse((string)(await ReadJson(response))["id"]!);

        // The same domain outcome for the other wallet, written by EF Core's change tracker and SaveChanges.
        var actor = await Database.ScalarAsync<string>("SELECT actor FROM holds WHERE id = $1", rawHoldId);
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WalletDbContext>();
            var limits = scope.ServiceProvider.GetRequiredService<TransactionLimits>().Current;
            var wallet = await db.Wallets.SingleAsync(w => w.Id == tracked.WalletId);
            var now = Clock.StorableNow();
            db.Add(wallet.PlaceHold(Money.Of(30.25m, wallet.Currency), "Hotel night", "booking-9", now.AddSeconds(3600), limits, actor, now));
            await db.SaveChangesAsync();
        }

        // Every column of every row, but the ids, compared as PostgreSQL reads them.
        const string holdRow = "SELECT (to_jsonb(h) - 'id' - 'wallet_id' - 'customer_id')::text FROM holds h WHERE wallet_id = $1";
        const string walletRow = "SELECT (to_jsonb(w) - 'id' - 'customer_id')::text FROM wallets w WHERE id = $1";
        foreach (var row in new[] { holdRow, walletRow })
            Assert.Equal(await Database.ScalarAsync<string>(row, tracked.WalletId), await Database.ScalarAsync<string>(row, raw.WalletId));
        // Not a comparison of two empty rows.
        Assert.Contains("\"reference\": \"booking-9\"", await Database.ScalarAsync<string>(holdRow, raw.WalletId));
        Assert.Contains("\"held\": 30.25", await Database.ScalarAsync<string>(walletRow, raw.WalletId));
        Assert.Equal(1L, await Database.CountAsync("holds", "id = $1 AND wallet_id = $2 AND customer_id = $3", rawHoldId, raw.WalletId, raw.CustomerId));
    }
}
