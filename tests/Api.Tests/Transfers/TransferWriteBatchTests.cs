using System.Net;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Application.Common;
using CleanWallet.Domain.Common;
using CleanWallet.Domain.Transfers;
using CleanWallet.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CleanWallet.Api.Tests.Transfers;

/// <summary>
/// A transfer writes its rows by hand (the unit of work's write batch, its SQL taken from EF Core's model), not through
/// SaveChanges: the rows must be exactly the ones SaveChanges would write.
/// </summary>
public sealed class TransferWriteBatchTests(TestDatabase database) : ApiTestBase(database)
{
    /// <summary>Microsecond-exact, as PostgreSQL stores it: both paths stamp the very same instant.</summary>
    private readonly MutableClock _clock = new(new DateTimeOffset(2026, 11, 2, 10, 15, 30, 123, TimeSpan.Zero).AddTicks(4560));

    protected override ApiFactory CreateFactory() =>
        ApiFactory.StartOnKestrel(Database.ConnectionString, services => services.AddSingleton<TimeProvider>(_clock));

    [Fact]
    public async Task A_transfer_through_the_write_batch_writes_the_same_rows_as_the_same_transfer_through_SaveChanges()
    {
        var rawFrom = await CreateCustomerAsync(name: "Raw sender");
        var rawTo = await CreateCustomerAsync(name: "Raw receiver");
        var trackedFrom = await CreateCustomerAsync(name: "Tracked sender");
        var trackedTo = await CreateCustomerAsync(name: "Tracked receiver");
        foreach (var wallet in new[] { rawFrom, rawTo, trackedFrom, trackedTo })
            await TopUpAsync(wallet.WalletId, 100m);

        var response = await Client(rawFrom.ApiKey).SendAsync(Post("/api/v1/transfers",
            new { fromWalletId = rawFrom.WalletId, toWalletId = rawTo.WalletId, amount = 12.34m, description = "Parity" }, "parity-key"));
        await AssertStatus(response, HttpStatusCode.Created);
        var rawTransferId = Guid.Parse((string)(await ReadJson(response))["id"]!);

        // The same domain outcome for the other two wallets, written by EF Core's change tracker and SaveChanges.
        var actor = await Database.ScalarAsync<string>("SELECT actor FROM transfers WHERE id = $1", rawTransferId);
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WalletDbContext>();
            var limits = scope.ServiceProvider.GetRequiredService<TransactionLimits>().Current;
            var from = await db.Wallets.SingleAsync(w => w.Id == trackedFrom.WalletId);
            var to = await db.Wallets.SingleAsync(w => w.Id == trackedTo.WalletId);
            var execution = Transfer.Execute(from, to, Money.Of(12.34m, from.Currency), "Parity", limits, actor, _clock.StorableNow());
            db.LedgerEntries.Add(execution.OutEntry);
            db.LedgerEntries.Add(execution.InEntry);
            db.Add(execution.Transfer);
            await db.SaveChangesAsync();
        }

        // Every column of every row, but the ids (and the ids naming the other rows), compared as PostgreSQL reads them.
        const string entryRow = "SELECT (to_jsonb(e) - 'id' - 'wallet_id' - 'reference_id')::text FROM ledger_entries e WHERE wallet_id = $1 AND type LIKE 'Transfer%'";
        const string walletRow = "SELECT (to_jsonb(w) - 'id' - 'customer_id')::text FROM wallets w WHERE id = $1";
        const string transferRow = "SELECT (to_jsonb(t) - 'id' - 'from_wallet_id' - 'to_wallet_id' - 'out_entry_id' - 'in_entry_id')::text FROM transfers t WHERE from_wallet_id = $1";
        foreach (var (raw, tracked) in new[] { (rawFrom, trackedFrom), (rawTo, trackedTo) })
            foreach (var row in new[] { entryRow, walletRow })
                Assert.Equal(await Database.ScalarAsync<string>(row, tracked.WalletId), await Database.ScalarAsync<string>(row, raw.WalletId));
        Assert.Equal(await Database.ScalarAsync<string>(transferRow, trackedFrom.WalletId),
            await Database.ScalarAsync<string>(transferRow, rawFrom.WalletId));
        // Not a comparison of two empty rows, and the raw rows name each other.
        Assert.Contains("\"balance\": 87.66", await Database.ScalarAsync<string>(walletRow, rawFrom.WalletId));
        Assert.Contains("\"balance\": 112.34", await Database.ScalarAsync<string>(walletRow, rawTo.WalletId));
        Assert.Equal(1L, await Database.CountAsync(
            "transfers t JOIN ledger_entries o ON o.id = t.out_entry_id JOIN ledger_entries i ON i.id = t.in_entry_id",
            "t.id = $1 AND o.reference_id = t.id AND i.reference_id = t.id AND o.wallet_id = $2 AND i.wallet_id = $3",
            rawTransferId, rawFrom.WalletId, rawTo.WalletId));
    }

    [Fact]
    public async Task An_admins_transfer_writes_its_batch_and_its_tracked_audit_entry_with_the_response_and_replays_it()
    {
        var from = await CreateCustomerAsync(name: "Sender");
        var to = await CreateCustomerAsync(name: "Receiver");
        await TopUpAsync(from.WalletId, 100m);
        var request = () => Post("/api/v1/transfers",
            new { fromWalletId = from.WalletId, toWalletId = to.WalletId, amount = 40m, description = "Admin move" }, "admin-transfer-key");

        var first = await AdminClient().SendAsync(request());
        var replay = await AdminClient().SendAsync(request());

        await AssertStatus(first, HttpStatusCode.Created);
        await AssertStatus(replay, HttpStatusCode.Created);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        var transferId = Guid.Parse((string)(await ReadJson(first))["id"]!);
        Assert.Equal(1L, await Database.CountAsync("transfers"));
        Assert.Equal(1L, await Database.CountAsync("audit_log", "action = 'transfer.create' AND target_id = $1", transferId));
        Assert.Equal(1L, await Database.CountAsync("idempotency_keys", "key = 'admin-transfer-key' AND response_json IS NOT NULL"));
        Assert.Equal(60m, (decimal)(await GetWalletAsync(from.WalletId))["balance"]!);
        Assert.Equal(40m, (decimal)(await GetWalletAsync(to.WalletId))["balance"]!);
    }
}
