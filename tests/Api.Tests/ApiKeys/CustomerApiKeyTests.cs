using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.ApiKeys;

/// <summary>A customer's keys: issued, listed and revoked by the customer itself or an admin, so a leaked key can be rotated out.</summary>
public sealed class CustomerApiKeyTests(TestDatabase database) : ApiTestBase(database)
{
    private static string Keys(Guid customerId) => $"/api/v1/customers/{customerId}/api-keys";

    [Fact]
    public async Task A_customer_issues_itself_a_key_that_is_shown_once_works_at_once_and_is_audited()
    {
        var customer = await CreateCustomerAsync();

        var response = await Client(customer.ApiKey).PostAsJsonAsync(Keys(customer.CustomerId), new { name = "  CI pipeline  " });

        await AssertStatus(response, HttpStatusCode.Created);
        var created = await ReadJson(response);
        var id = Guid.Parse((string)created["id"]!);
        var secret = (string)created["apiKey"]!;
        Assert.Equal($"{Keys(customer.CustomerId)}/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("CI pipeline", (string?)created["name"]);
        Assert.Equal("Customer", (string?)created["role"]);
        Assert.StartsWith("cw_", secret);
        Assert.NotEqual(customer.ApiKey, secret);
        Assert.StartsWith((string)created["prefix"]!, secret);

        // Stored for this customer, as its hash only; neither the key row nor the audit log holds the secret.
        Assert.Equal(customer.CustomerId.ToString(), await Database.ScalarAsync<string>("SELECT customer_id::text FROM api_keys WHERE id = $1", id));
        Assert.Equal(Sha256(secret), await Database.ScalarAsync<string>("SELECT key_hash FROM api_keys WHERE id = $1", id));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE strpos(api_keys::text, $1) > 0", secret));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE strpos(audit_log::text, $1) > 0", secret));
        Assert.Equal(0L, await Database.CountAsync("idempotency_keys"));

        // The new key acts as the customer straight away.
        var wallet = await Client(secret).GetAsync($"/api/v1/wallets/{customer.WalletId}");
        await AssertStatus(wallet, HttpStatusCode.OK);

        var audit = await Database.ScalarAsync<string>(
            "SELECT action || '|' || target_id || '|' || actor || '|' || after FROM audit_log WHERE target_type = 'api_key'");
        var parts = audit.Split('|');
        Assert.Equal(new[] { "api_key.create", id.ToString(), $"customer:{customer.CustomerId}" }, parts[..3]);
        var after = JsonNode.Parse(parts[3])!;
        Assert.Equal("Customer", (string?)after["role"]);
        Assert.Equal(customer.CustomerId.ToString(), (string?)after["customerId"]);
    }

    [Fact]
    public async Task The_customer_and_an_admin_list_its_keys_without_secrets_and_staff_keys_stay_apart()
    {
        var customer = await CreateCustomerAsync();
        var second = await IssueAsync(customer, "Second");
        var staff = await AdminClient().PostAsJsonAsync("/api/v1/admin/api-keys", new { name = "Ops", role = "ops" });
        await AssertStatus(staff, HttpStatusCode.Created);

        foreach (var client in new[] { Client(customer.ApiKey), AdminClient() })
        {
            var response = await client.GetAsync(Keys(customer.CustomerId));
            await AssertStatus(response, HttpStatusCode.OK);
            var text = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain(customer.ApiKey, text);
            Assert.DoesNotContain(second.Secret, text);
            Assert.DoesNotContain(Sha256(second.Secret), text);
            var page = await ReadJson(response);
            Assert.Equal(2, (int)page["totalCount"]!);
            var items = page["items"]!.AsArray();
            Assert.Equal(new[] { second.Id.ToString(), await FirstKeyIdAsync(customer) }, items.Select(i => (string)i!["id"]!));
            Assert.All(items, i => Assert.Equal("Customer", (string?)i!["role"]));
            Assert.All(items, i => Assert.Null(i!["apiKey"]));
            Assert.Equal(new[] { "createdAt", "id", "name", "prefix", "revokedAt", "role" },
                items[0]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));

            var one = await client.GetAsync($"{Keys(customer.CustomerId)}/{second.Id}");
            await AssertStatus(one, HttpStatusCode.OK);
            Assert.Equal("Second", (string?)(await ReadJson(one))["name"]);
            Assert.DoesNotContain(second.Secret, await one.Content.ReadAsStringAsync());
        }

        // Customer keys are never among the staff keys, and a staff key is not one of the customer's.
        var staffId = (string)(await ReadJson(staff))["id"]!;
        var staffList = await ReadJson(await AdminClient().GetAsync("/api/v1/admin/api-keys"));
        Assert.Equal(new[] { staffId }, staffList["items"]!.AsArray().Select(i => (string)i!["id"]!));
        await AssertProblem(await AdminClient().GetAsync($"{Keys(customer.CustomerId)}/{staffId}"), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await AdminClient().DeleteAsync($"{Keys(customer.CustomerId)}/{staffId}"), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0L, await Database.CountAsync("api_keys", "revoked_at IS NOT NULL"));
    }

    [Fact]
    public async Task Rotating_revokes_the_old_key_on_the_very_next_request_and_the_new_key_keeps_working()
    {
        var customer = await CreateCustomerAsync();
        var oldKeyId = await FirstKeyIdAsync(customer);
        await AssertStatus(await Client(customer.ApiKey).GetAsync($"/api/v1/wallets/{customer.WalletId}"), HttpStatusCode.OK);
        var fresh = await IssueAsync(customer, "Rotated");

        var revoked = await Client(fresh.Secret).DeleteAsync($"{Keys(customer.CustomerId)}/{oldKeyId}");

        await AssertStatus(revoked, HttpStatusCode.NoContent);
        await AssertProblem(await Client(customer.ApiKey).GetAsync($"/api/v1/wallets/{customer.WalletId}"), HttpStatusCode.Unauthorized,
            "unauthorized");
        await AssertProblem(await Client(customer.ApiKey).SendAsync(
                Post($"/api/v1/wallets/{customer.WalletId}/top-ups", new { amount = 10m, cardToken = "tok_visa" })),
            HttpStatusCode.Unauthorized, "unauthorized");
        await AssertStatus(await Client(fresh.Secret).GetAsync($"/api/v1/wallets/{customer.WalletId}"), HttpStatusCode.OK);
        Assert.Equal(0L, await Database.CountAsync("payments"));

        var listed = await ReadJson(await Client(fresh.Secret).GetAsync($"{Keys(customer.CustomerId)}/{oldKeyId}"));
        Assert.NotNull(listed["revokedAt"]);
        var audit = await Database.ScalarAsync<string>(
            "SELECT actor || '|' || before || '|' || after FROM audit_log WHERE action = 'api_key.revoke' AND target_id = $1", Guid.Parse(oldKeyId));
        var parts = audit.Split('|');
        Assert.Equal($"customer:{customer.CustomerId}", parts[0]);
        Assert.Null(JsonNode.Parse(parts[1])!["revokedAt"]);
        Assert.NotNull(JsonNode.Parse(parts[2])!["revokedAt"]);

        // Revoking it again is a conflict and writes nothing.
        var auditRows = await Database.CountAsync("audit_log");
        await AssertProblem(await Client(fresh.Secret).DeleteAsync($"{Keys(customer.CustomerId)}/{oldKeyId}"), HttpStatusCode.Conflict, "conflict");
        Assert.Equal(auditRows, await Database.CountAsync("audit_log"));
    }

    [Fact]
    public async Task A_customer_may_revoke_the_key_it_is_using_when_another_remains()
    {
        var customer = await CreateCustomerAsync();
        var spare = await IssueAsync(customer, "Spare");

        await AssertStatus(await Client(customer.ApiKey).DeleteAsync($"{Keys(customer.CustomerId)}/{await FirstKeyIdAsync(customer)}"),
            HttpStatusCode.NoContent);

        await AssertProblem(await Client(customer.ApiKey).GetAsync(Keys(customer.CustomerId)), HttpStatusCode.Unauthorized, "unauthorized");
        await AssertStatus(await Client(spare.Secret).GetAsync(Keys(customer.CustomerId)), HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_customer_cannot_revoke_its_last_active_key_and_nothing_changes()
    {
        var customer = await CreateCustomerAsync();
        var spare = await IssueAsync(customer, "Spare");
        await AssertStatus(await Client(customer.ApiKey).DeleteAsync($"{Keys(customer.CustomerId)}/{spare.Id}"), HttpStatusCode.NoContent);
        var auditRows = await Database.CountAsync("audit_log");

        var response = await Client(customer.ApiKey).DeleteAsync($"{Keys(customer.CustomerId)}/{await FirstKeyIdAsync(customer)}");

        var problem = await AssertProblem(response, HttpStatusCode.Conflict, "last_active_key");
        Assert.Contains("issue a new key", (string?)problem["detail"]);
        Assert.Equal(1L, await Database.CountAsync("api_keys", "customer_id = $1 AND revoked_at IS NULL", customer.CustomerId));
        Assert.Equal(auditRows, await Database.CountAsync("audit_log"));
        await AssertStatus(await Client(customer.ApiKey).GetAsync($"/api/v1/wallets/{customer.WalletId}"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_admin_may_revoke_a_customers_last_key_and_issue_it_a_new_one()
    {
        var customer = await CreateCustomerAsync();

        await AssertStatus(await AdminClient().DeleteAsync($"{Keys(customer.CustomerId)}/{await FirstKeyIdAsync(customer)}"), HttpStatusCode.NoContent);

        await AssertProblem(await Client(customer.ApiKey).GetAsync($"/api/v1/wallets/{customer.WalletId}"), HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("admin:bootstrap", await Database.ScalarAsync<string>("SELECT actor FROM audit_log WHERE action = 'api_key.revoke'"));

        var created = await AdminClient().PostAsJsonAsync(Keys(customer.CustomerId), new { name = "Issued by support" });
        await AssertStatus(created, HttpStatusCode.Created);
        var secret = (string)(await ReadJson(created))["apiKey"]!;
        await AssertStatus(await Client(secret).GetAsync($"/api/v1/wallets/{customer.WalletId}"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Another_customers_keys_are_a_404_and_nothing_changes()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        var bobKey = await FirstKeyIdAsync(bob);
        var aliceClient = Client(alice.ApiKey);
        var counts = (await Database.CountAsync("api_keys"), await Database.CountAsync("audit_log"));

        await AssertProblem(await aliceClient.PostAsJsonAsync(Keys(bob.CustomerId), new { name = "Mine now" }), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await aliceClient.GetAsync(Keys(bob.CustomerId)), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await aliceClient.GetAsync($"{Keys(bob.CustomerId)}/{bobKey}"), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await aliceClient.DeleteAsync($"{Keys(bob.CustomerId)}/{bobKey}"), HttpStatusCode.NotFound, "not_found");
        // Bob's key under Alice's own path is not hers either, for her and for an admin.
        await AssertProblem(await aliceClient.GetAsync($"{Keys(alice.CustomerId)}/{bobKey}"), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await aliceClient.DeleteAsync($"{Keys(alice.CustomerId)}/{bobKey}"), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await AdminClient().DeleteAsync($"{Keys(alice.CustomerId)}/{bobKey}"), HttpStatusCode.NotFound, "not_found");
        // An unknown customer has no keys to list or to be issued.
        await AssertProblem(await AdminClient().GetAsync(Keys(Guid.NewGuid())), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await AdminClient().PostAsJsonAsync(Keys(Guid.NewGuid()), new { name = "Ghost" }), HttpStatusCode.NotFound, "not_found");

        Assert.Equal(counts, (await Database.CountAsync("api_keys"), await Database.CountAsync("audit_log")));
        Assert.Equal(0L, await Database.CountAsync("api_keys", "revoked_at IS NOT NULL"));
        await AssertStatus(await Client(bob.ApiKey).GetAsync($"/api/v1/wallets/{bob.WalletId}"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_ops_key_may_not_issue_list_or_revoke_customer_keys()
    {
        var customer = await CreateCustomerAsync();
        var opsResponse = await AdminClient().PostAsJsonAsync("/api/v1/admin/api-keys", new { name = "Ops", role = "ops" });
        await AssertStatus(opsResponse, HttpStatusCode.Created);
        var ops = Client((string)(await ReadJson(opsResponse))["apiKey"]!);
        var keyId = await FirstKeyIdAsync(customer);
        var counts = (await Database.CountAsync("api_keys"), await Database.CountAsync("audit_log"));

        await AssertProblem(await ops.PostAsJsonAsync(Keys(customer.CustomerId), new { name = "Ops made" }), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await ops.GetAsync(Keys(customer.CustomerId)), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await ops.GetAsync($"{Keys(customer.CustomerId)}/{keyId}"), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await ops.DeleteAsync($"{Keys(customer.CustomerId)}/{keyId}"), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await Client(apiKey: null).GetAsync(Keys(customer.CustomerId)), HttpStatusCode.Unauthorized, "unauthorized");

        Assert.Equal(counts, (await Database.CountAsync("api_keys"), await Database.CountAsync("audit_log")));
        Assert.Equal(0L, await Database.CountAsync("api_keys", "revoked_at IS NOT NULL"));
    }

    [Fact]
    public async Task Two_keys_revoking_each_other_at_once_never_lock_the_customer_out()
    {
        for (var round = 0; round < 4; round++)
        {
            var customer = await CreateCustomerAsync(name: $"Racer {round}");
            var firstId = await FirstKeyIdAsync(customer);
            var second = await IssueAsync(customer, "Second");

            var answers = await Task.WhenAll(
                Client(customer.ApiKey).DeleteAsync($"{Keys(customer.CustomerId)}/{second.Id}"),
                Client(second.Secret).DeleteAsync($"{Keys(customer.CustomerId)}/{firstId}"));

            // One wins; the other is refused (409 last_active_key, or 401 when its own key was already gone).
            Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.NoContent));
            Assert.Contains(answers, a => a.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.Unauthorized);
            Assert.Equal(1L, await Database.CountAsync("api_keys", "customer_id = $1 AND revoked_at IS NULL", customer.CustomerId));
            Assert.Equal(1L, await Database.CountAsync("audit_log", "action = 'api_key.revoke' AND actor = $1", $"customer:{customer.CustomerId}"));
        }
    }

    public static TheoryData<string, string, string> BadBodies => new()
    {
        { "missing name", "{}", "validation_failed" },
        { "blank name", """{"name":"  "}""", "validation_failed" },
        { "name too long", $$"""{"name":"{{new string('n', 201)}}"}""", "validation_failed" },
        { "a role (customer keys have the customer role)", """{"name":"k","role":"admin"}""", "malformed_request" },
        { "a customer id in the body", """{"name":"k","customerId":"00000000-0000-0000-0000-000000000001"}""", "malformed_request" },
        { "name with NUL", """{"name":"k\u0000"}""", "malformed_request" },
        { "empty body", "", "malformed_request" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_for_a_customer_key_is_a_400_and_writes_nothing(string why, string json, string code)
    {
        var customer = await CreateCustomerAsync();

        var response = await Client(customer.ApiKey).SendAsync(PostRaw(Keys(customer.CustomerId), json));

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, code);
        Assert.True(problem["errors"] is not null || code == "malformed_request", why);
        Assert.Equal(1L, await Database.CountAsync("api_keys"));
        Assert.Equal(0L, await Database.CountAsync("audit_log"));
    }

    private sealed record IssuedKey(Guid Id, string Secret);

    private async Task<IssuedKey> IssueAsync(TestCustomer customer, string name)
    {
        var response = await Client(customer.ApiKey).PostAsJsonAsync(Keys(customer.CustomerId), new { name });
        await AssertStatus(response, HttpStatusCode.Created);
        var body = await ReadJson(response);
        return new IssuedKey(Guid.Parse((string)body["id"]!), (string)body["apiKey"]!);
    }

    /// <summary>The key the customer was created with.</summary>
    private async Task<string> FirstKeyIdAsync(TestCustomer customer) =>
        await Database.ScalarAsync<string>("SELECT id::text FROM api_keys WHERE customer_id = $1 ORDER BY created_at, id LIMIT 1", customer.CustomerId);

    private static string Sha256(string key) => ApiKeyTests.Sha256(key);
}
