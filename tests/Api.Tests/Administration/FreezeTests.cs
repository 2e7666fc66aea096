using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Administration;

public sealed class FreezeTests(TestDatabase database) : AdministrationTestBase(database)
{
    [Fact]
    public async Task A_frozen_wallet_refuses_payments_takes_top_ups_and_pays_again_once_unfrozen()
    {
        var customer = await CreateCustomerAsync();
        var asCustomer = Client(customer.ApiKey);
        await TopUpAsync(customer.WalletId, 100m, asCustomer);
        var payments = $"/api/v1/wallets/{customer.WalletId}/payments";

        var frozen = await FreezeAsync(customer.WalletId, body: new { reason = "Suspected card fraud" });

        await AssertStatus(frozen, HttpStatusCode.OK);
        var wallet = await ReadJson(frozen);
        Assert.Equal(customer.WalletId.ToString(), (string?)wallet["id"]);
        Assert.Equal(customer.CustomerId.ToString(), (string?)wallet["customerId"]);
        Assert.Equal("Frozen", (string?)wallet["status"]);
        Assert.Equal(100m, (decimal)wallet["balance"]!);
        Assert.Equal(100m, (decimal)wallet["available"]!);
        Assert.Equal("ZAR", (string?)wallet["currency"]);
        Assert.Equal("Frozen", (string?)(await GetWalletAsync(customer.WalletId))["status"]);

        var refused = await asCustomer.SendAsync(Post(payments, new { amount = 1m, description = "While frozen" }));
        await AssertProblem(refused, HttpStatusCode.UnprocessableEntity, "wallet_frozen");
        Assert.Equal(0L, await Database.CountAsync("payments", "method = 'Wallet'"));

        // Credits still land, so a customer can always pay what is owed.
        await TopUpAsync(customer.WalletId, 20m, asCustomer);
        Assert.Equal(120m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);

        var unfrozen = await FreezeAsync(customer.WalletId, "unfreeze", new { reason = "Cleared by risk team" });
        await AssertStatus(unfrozen, HttpStatusCode.OK);
        Assert.Equal("Active", (string?)(await ReadJson(unfrozen))["status"]);

        await AssertStatus(await asCustomer.SendAsync(Post(payments, new { amount = 30m, description = "After unfreeze" })), HttpStatusCode.Created);
        Assert.Equal(90m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);

        var audit = Items(await AuditAsync());
        Assert.Equal(2, audit.Count);
        var unfreeze = audit[0]!;
        var freeze = audit[1]!;
        Assert.Equal("wallet.freeze", (string?)freeze["action"]);
        Assert.Equal(BootstrapActor, (string?)freeze["actor"]);
        Assert.Equal("wallet", (string?)freeze["targetType"]);
        Assert.Equal(customer.WalletId.ToString(), (string?)freeze["targetId"]);
        Assert.Equal("Suspected card fraud", (string?)freeze["reason"]);
        Assert.Equal("Active", (string?)freeze["before"]!["status"]);
        Assert.Equal("Frozen", (string?)freeze["after"]!["status"]);
        Assert.Null(freeze["amount"]);
        Assert.False((bool)freeze["flaggedForReview"]!);
        Assert.Equal(RequestId(frozen), (string?)freeze["requestId"]);
        Assert.Equal("wallet.unfreeze", (string?)unfreeze["action"]);
        Assert.Equal("Cleared by risk team", (string?)unfreeze["reason"]);
        Assert.Equal("Frozen", (string?)unfreeze["before"]!["status"]);
        Assert.Equal("Active", (string?)unfreeze["after"]!["status"]);
        Assert.Equal(120m, (decimal)unfreeze["after"]!["balance"]!);
        Assert.Equal(RequestId(unfrozen), (string?)unfreeze["requestId"]);
    }

    [Fact]
    public async Task Freezing_twice_or_unfreezing_an_active_wallet_is_a_409_and_audits_nothing()
    {
        var customer = await CreateCustomerAsync();

        await AssertProblem(await FreezeAsync(customer.WalletId, "unfreeze"), HttpStatusCode.Conflict, "conflict");
        await AssertStatus(await FreezeAsync(customer.WalletId), HttpStatusCode.OK);
        await AssertProblem(await FreezeAsync(customer.WalletId), HttpStatusCode.Conflict, "conflict");

        Assert.Equal("Frozen", (string?)(await GetWalletAsync(customer.WalletId))["status"]);
        Assert.Equal(1L, await Database.CountAsync("audit_log"));
    }

    [Fact]
    public async Task The_body_is_optional()
    {
        var customer = await CreateCustomerAsync();

        var noBody = await AdminClient().SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/wallets/{customer.WalletId}/freeze"));
        var emptyObject = await AdminClient().SendAsync(PostRaw($"/api/v1/wallets/{customer.WalletId}/unfreeze", "{}"));

        await AssertStatus(noBody, HttpStatusCode.OK);
        await AssertStatus(emptyObject, HttpStatusCode.OK);
        Assert.All(Items(await AuditAsync()), entry => Assert.Null(entry!["reason"]));
    }

    [Fact]
    public async Task A_too_long_reason_or_an_unknown_field_is_a_400_and_changes_nothing()
    {
        var customer = await CreateCustomerAsync();

        await AssertProblem(await FreezeAsync(customer.WalletId, body: new { reason = new string('r', 501) }),
            HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await AdminClient().SendAsync(PostRaw($"/api/v1/wallets/{customer.WalletId}/freeze", """{"status":"Frozen"}""")),
            HttpStatusCode.BadRequest, "malformed_request");

        Assert.Equal("Active", (string?)(await GetWalletAsync(customer.WalletId))["status"]);
        Assert.Equal(0L, await Database.CountAsync("audit_log"));
    }

    [Fact]
    public async Task A_customer_key_may_not_freeze_or_unfreeze_and_an_unknown_wallet_is_a_404()
    {
        var customer = await CreateCustomerAsync();

        await AssertProblem(await FreezeAsync(customer.WalletId, apiKey: customer.ApiKey), HttpStatusCode.Forbidden, "forbidden");
        await AssertStatus(await FreezeAsync(customer.WalletId), HttpStatusCode.OK);
        await AssertProblem(await FreezeAsync(customer.WalletId, "unfreeze", apiKey: customer.ApiKey), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await FreezeAsync(Guid.NewGuid()), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await FreezeAsync(Guid.NewGuid(), "unfreeze"), HttpStatusCode.NotFound, "not_found");

        Assert.Equal("Frozen", (string?)(await GetWalletAsync(customer.WalletId))["status"]);
        Assert.Equal(1L, await Database.CountAsync("audit_log"));
    }
}
