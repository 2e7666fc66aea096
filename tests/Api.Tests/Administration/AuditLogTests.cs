using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Administration;

public sealed class AuditLogTests(TestDatabase database) : AdministrationTestBase(database)
{
    [Fact]
    public async Task The_log_lists_newest_first_in_pages()
    {
        var customer = await CreateCustomerAsync();
        await AdjustOkAsync(customer.WalletId, "credit", 1m, "first");
        await AdjustOkAsync(customer.WalletId, "credit", 2m, "second");
        await AdjustOkAsync(customer.WalletId, "debit", 3m, "third");
        await AssertStatus(await FreezeAsync(customer.WalletId, body: new { reason = "fourth" }), HttpStatusCode.OK);
        await AssertStatus(await FreezeAsync(customer.WalletId, "unfreeze", new { reason = "fifth" }), HttpStatusCode.OK);

        var first = await AuditAsync("?page=1&pageSize=2");
        var second = await AuditAsync("?page=2&pageSize=2");
        var third = await AuditAsync("?page=3&pageSize=2");
        var beyond = await AuditAsync("?page=4&pageSize=2");

        Assert.Equal(5, (int)first["totalCount"]!);
        Assert.Equal(1, (int)first["page"]!);
        Assert.Equal(2, (int)first["pageSize"]!);
        var reasons = new[] { first, second, third }.SelectMany(p => Items(p)).Select(e => (string?)e!["reason"]).ToList();
        Assert.Equal(["fifth", "fourth", "third", "second", "first"], reasons);
        Assert.Empty(Items(beyond));
        Assert.Equal(5, (int)beyond["totalCount"]!);
        Assert.Equal(20, (int)(await AuditAsync())["pageSize"]!);
    }

    [Fact]
    public async Task The_log_filters_by_action_target_and_time()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        await AdjustOkAsync(alice.WalletId, "credit", 10m, "alice credit");
        await AdjustOkAsync(bob.WalletId, "credit", 20m, "bob credit");
        await AdjustOkAsync(bob.WalletId, "debit", 5m, "bob debit");
        await AssertStatus(await FreezeAsync(alice.WalletId), HttpStatusCode.OK);

        var credits = await AuditAsync("?action=wallet.adjustment.credit");
        Assert.Equal(2, (int)credits["totalCount"]!);
        Assert.Equal(["bob credit", "alice credit"], Items(credits).Select(e => (string?)e!["reason"]));

        var bobs = await AuditAsync($"?targetId={bob.WalletId}");
        Assert.Equal(2, (int)bobs["totalCount"]!);
        Assert.All(Items(bobs), e => Assert.Equal(bob.WalletId.ToString(), (string?)e!["targetId"]));

        var both = await AuditAsync($"?targetId={alice.WalletId}&action=wallet.freeze");
        Assert.Equal("wallet.freeze", (string?)Assert.Single(Items(both))!["action"]);
        Assert.Empty(Items(await AuditAsync("?action=wallet.delete")));

        // [from, to): from the second entry (inclusive) up to the fourth (exclusive).
        var all = Items(await AuditAsync());
        var secondAt = DateTimeOffset.Parse((string)all[2]!["createdAt"]!);
        var fourthAt = DateTimeOffset.Parse((string)all[0]!["createdAt"]!);
        var window = await AuditAsync($"?from={Uri.EscapeDataString(secondAt.ToString("O"))}&to={Uri.EscapeDataString(fourthAt.ToString("O"))}");
        Assert.Equal(["bob debit", "bob credit"], Items(window).Select(e => (string?)e!["reason"]));
        // Any offset means the same instant.
        var shifted = secondAt.ToOffset(TimeSpan.FromHours(2)).ToString("O");
        Assert.Equal(3, (int)(await AuditAsync($"?from={Uri.EscapeDataString(shifted)}"))["totalCount"]!);
    }

    [Theory]
    [InlineData("?page=0")]
    [InlineData("?pageSize=0")]
    [InlineData("?pageSize=101")]
    [InlineData("?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z")]
    [InlineData("?action=")]
    public async Task Bad_paging_or_filters_are_a_400(string query)
    {
        var response = await AdminClient().GetAsync($"/api/v1/admin/audit{query}");

        await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task A_malformed_target_id_is_a_400()
    {
        var response = await AdminClient().GetAsync("/api/v1/admin/audit?targetId=not-a-guid");

        await AssertProblem(response, HttpStatusCode.BadRequest, "malformed_request");
    }

    [Fact]
    public async Task Only_admins_may_read_the_log()
    {
        var customer = await CreateCustomerAsync();
        await AdjustOkAsync(customer.WalletId, "credit", 1m);

        await AssertProblem(await Client(customer.ApiKey).GetAsync("/api/v1/admin/audit"), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await Client(null).GetAsync("/api/v1/admin/audit"), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task The_audit_table_is_append_only()
    {
        var customer = await CreateCustomerAsync();
        await AdjustOkAsync(customer.WalletId, "credit", 1m, "original reason");

        var update = await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
            Database.ScalarAsync<long>("UPDATE audit_log SET reason = 'rewritten', amount = 1000000"));
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => Database.ScalarAsync<long>("DELETE FROM audit_log"));

        Assert.Contains("append-only", update.MessageText);
        Assert.Equal(1L, await Database.CountAsync("audit_log", "reason = 'original reason' AND amount = 1"));
    }
}
