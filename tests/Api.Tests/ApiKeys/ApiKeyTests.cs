using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.ApiKeys;

public sealed class ApiKeyTests(TestDatabase database) : ApiTestBase(database)
{
    private const string Keys = "/api/v1/admin/api-keys";

    [Fact]
    public async Task An_admin_creates_an_ops_key_that_is_shown_once_and_stored_only_as_its_hash()
    {
        var response = await AdminClient().SendAsync(Post(Keys, new { name = "  Night shift  ", role = "ops" }, "retry-1"));

        await AssertStatus(response, HttpStatusCode.Created);
        var created = await ReadJson(response);
        var id = Guid.Parse((string)created["id"]!);
        var secret = (string)created["apiKey"]!;
        Assert.Equal($"/api/v1/admin/api-keys/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("Night shift", (string?)created["name"]);
        Assert.Equal("Ops", (string?)created["role"]);
        Assert.StartsWith("cw_", secret);
        Assert.True(secret.Length >= 40);
        Assert.StartsWith((string)created["prefix"]!, secret);
        Assert.True((string)created["prefix"]! != secret);
        Assert.NotNull(created["createdAt"]);

        // Only the SHA-256 of the key is kept: no column of the key's row, nor the audit log, holds the secret.
        Assert.Equal(Sha256(secret), await Database.ScalarAsync<string>("SELECT key_hash FROM api_keys WHERE id = $1", id));
        Assert.Equal("Ops", await Database.ScalarAsync<string>("SELECT role FROM api_keys WHERE id = $1", id));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE strpos(api_keys::text, $1) > 0", secret));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE strpos(audit_log::text, $1) > 0", secret));
        // Not an idempotent command: a stored replay would be a stored secret.
        Assert.Equal(0L, await Database.CountAsync("idempotency_keys"));

        // Reading it back never shows the secret or its hash.
        var list = await AdminClient().GetAsync(Keys);
        await AssertStatus(list, HttpStatusCode.OK);
        var listText = await list.Content.ReadAsStringAsync();
        Assert.DoesNotContain(secret, listText);
        Assert.DoesNotContain(Sha256(secret), listText);
        var item = Assert.Single(Items(await ReadJson(list)))!.AsObject();
        Assert.Equal(id.ToString(), (string?)item["id"]);
        Assert.Equal("Night shift", (string?)item["name"]);
        Assert.Equal("Ops", (string?)item["role"]);
        Assert.Equal((string?)created["prefix"], (string?)item["prefix"]);
        Assert.Equal(DateTimeOffset.Parse((string)created["createdAt"]!), DateTimeOffset.Parse((string)item["createdAt"]!));
        Assert.Null(item["revokedAt"]);
        Assert.Equal(new[] { "createdAt", "id", "name", "prefix", "revokedAt", "role" }, item.Select(p => p.Key).Order(StringComparer.Ordinal));

        var one = await AdminClient().GetAsync(Keys + $"/{id}");
        await AssertStatus(one, HttpStatusCode.OK);
        var oneText = await one.Content.ReadAsStringAsync();
        Assert.DoesNotContain(secret, oneText);
        Assert.Null((await ReadJson(one))["apiKey"]);

        // The key works straight away
        // (an unknown wallet is a 404 from the handler, not a 401 from authentication).
        await AssertProblem(await Client(secret).GetAsync($"/api/v1/wallets/{Guid.NewGuid()}"), HttpStatusCode.NotFound, "not_found");

        var audit = await Database.ScalarAsync<string>(
            "SELECT action || '|' || target_type || '|' || target_id || '|' || actor || '|' || after FROM audit_log");
        var parts = audit.Split('|');
        Assert.Equal(new[] { "api_key.create", "api_key", id.ToString(), "admin:bootstrap" }, parts[..4]);
        var after = JsonNode.Parse(parts[4])!;
        Assert.Equal("Night shift", (string?)after["name"]);
        Assert.Equal("Ops", (string?)after["role"]);
    }

    [Fact]
    public async Task An_admin_key_created_here_can_do_what_an_admin_does()
    {
        var admin = await CreateKeyAsync("Second admin", "Admin");

        Assert.Equal("Admin", await Database.ScalarAsync<string>("SELECT role FROM api_keys WHERE id = $1", admin.Id));
        var customer = await Client(admin.Secret).PostAsJsonAsync("/api/v1/customers", new { name = "Via new admin", billingModel = "Payg" });
        await AssertStatus(customer, HttpStatusCode.Created);
        var ops = await Client(admin.Secret).PostAsJsonAsync(Keys, new { name = "Made by the second admin", role = "OPS" });
        await AssertStatus(ops, HttpStatusCode.Created);

        var actor = await Database.ScalarAsync<string>("SELECT actor FROM audit_log WHERE target_id = $1", Guid.Parse((string)(await ReadJson(ops))["id"]!));
        Assert.Equal($"admin:{admin.Id}", actor);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_at_once_and_revoking_is_audited()
    {
        var customer = await CreateCustomerAsync();
        var ops = await CreateKeyAsync("On call", "ops");
        await AssertStatus(await Client(ops.Secret).GetAsync($"/api/v1/wallets/{customer.WalletId}"), HttpStatusCode.OK);

        var revoked = await AdminClient().DeleteAsync(Keys + $"/{ops.Id}");

        await AssertStatus(revoked, HttpStatusCode.NoContent);
        await AssertProblem(await Client(ops.Secret).GetAsync($"/api/v1/wallets/{customer.WalletId}"), HttpStatusCode.Unauthorized, "unauthorized");
        var listed = Assert.Single(Items(await ReadJson(await AdminClient().GetAsync(Keys))))!;
        Assert.NotNull(listed["revokedAt"]);
        Assert.Equal(1L, await Database.CountAsync("api_keys", "id = $1 AND revoked_at IS NOT NULL", ops.Id));

        var audit = await Database.ScalarAsync<string>(
            "SELECT before || '|' || after FROM audit_log WHERE action = 'api_key.revoke' AND target_id = $1", ops.Id);
        var snapshots = audit.Split('|').Select(s => JsonNode.Parse(s)!).ToArray();
        Assert.Null(snapshots[0]["revokedAt"]);
        Assert.NotNull(snapshots[1]["revokedAt"]);
        Assert.Equal("On call", (string?)snapshots[1]["name"]);

        // A second revocation is a conflict (nobody should think they just revoked it) and writes nothing.
        var auditRows = await Database.CountAsync("audit_log");
        await AssertProblem(await AdminClient().DeleteAsync(Keys + $"/{ops.Id}"), HttpStatusCode.Conflict, "conflict");
        Assert.Equal(auditRows, await Database.CountAsync("audit_log"));
    }

    [Fact]
    public async Task Revoking_an_unknown_key_or_a_customers_key_is_a_404_and_changes_nothing()
    {
        var customer = await CreateCustomerAsync();
        var customerKeyId = Guid.Parse(await Database.ScalarAsync<string>("SELECT id::text FROM api_keys WHERE customer_id = $1", customer.CustomerId));

        await AssertProblem(await AdminClient().DeleteAsync(Keys + $"/{Guid.NewGuid()}"), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await AdminClient().DeleteAsync(Keys + $"/{customerKeyId}"), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await AdminClient().GetAsync(Keys + $"/{customerKeyId}"), HttpStatusCode.NotFound, "not_found");

        Assert.Equal(0L, await Database.CountAsync("api_keys", "revoked_at IS NOT NULL"));
        Assert.Equal(0L, await Database.CountAsync("audit_log"));
        await AssertStatus(await Client(customer.ApiKey).GetAsync($"/api/v1/wallets/{customer.WalletId}"), HttpStatusCode.OK);
        // Customer keys are not staff keys and are never listed here.
        Assert.Empty(Items(await ReadJson(await AdminClient().GetAsync(Keys))));
    }

    [Fact]
    public async Task Only_an_admin_may_manage_keys()
    {
        var customer = await CreateCustomerAsync();
        var ops = await CreateKeyAsync("Ops", "ops");
        var before = await Database.CountAsync("api_keys");

        foreach (var key in new[] { customer.ApiKey, ops.Secret })
        {
            var client = Client(key);
            await AssertProblem(await client.PostAsJsonAsync(Keys, new { name = "Escalation", role = "admin" }), HttpStatusCode.Forbidden, "forbidden");
            await AssertProblem(await client.GetAsync(Keys), HttpStatusCode.Forbidden, "forbidden");
            await AssertProblem(await client.GetAsync(Keys + $"/{ops.Id}"), HttpStatusCode.Forbidden, "forbidden");
            await AssertProblem(await client.DeleteAsync(Keys + $"/{ops.Id}"), HttpStatusCode.Forbidden, "forbidden");
        }
        await AssertProblem(await Client(apiKey: null).GetAsync(Keys), HttpStatusCode.Unauthorized, "unauthorized");
        await AssertProblem(await Client(apiKey: null).PostAsJsonAsync(Keys, new { name = "x", role = "ops" }), HttpStatusCode.Unauthorized,
            "unauthorized");

        Assert.Equal(before, await Database.CountAsync("api_keys"));
        Assert.Equal(0L, await Database.CountAsync("api_keys", "revoked_at IS NOT NULL"));
    }

    public static TheoryData<string, string, string> BadBodies => new()
    {
        { "customer role", """{"name":"k","role":"customer"}""", "validation_failed" },
        { "unknown role", """{"name":"k","role":"superuser"}""", "validation_failed" },
        { "flags-like role", """{"name":"k","role":"Ops,Admin"}""", "validation_failed" },
        { "missing role", """{"name":"k"}""", "validation_failed" },
        { "missing name", """{"role":"ops"}""", "validation_failed" },
        { "blank name", """{"name":"   ","role":"ops"}""", "validation_failed" },
        { "name too long", $$"""{"name":"{{new string('n', 201)}}","role":"ops"}""", "validation_failed" },
        { "role as number", """{"name":"k","role":1}""", "malformed_request" },
        { "unknown field", """{"name":"k","role":"ops","customerId":"00000000-0000-0000-0000-000000000001"}""", "malformed_request" },
        { "empty body", "", "malformed_request" },
        { "malformed JSON", """{"name":""", "malformed_request" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_is_a_400_problem_and_writes_nothing(string why, string json, string code)
    {
        var response = await AdminClient().SendAsync(PostRaw(Keys, json));

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, code);
        Assert.True(code != "validation_failed" || problem["errors"] is not null, why);
        Assert.Equal(0L, await Database.CountAsync("api_keys"));
        Assert.Equal(0L, await Database.CountAsync("audit_log"));
    }

    [Fact]
    public async Task Validation_names_each_bad_field_and_a_name_of_200_characters_is_accepted()
    {
        var problem = await AssertProblem(await AdminClient().SendAsync(PostRaw(Keys, """{"name":"","role":"customer"}""")),
            HttpStatusCode.BadRequest, "validation_failed");
        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("name"));
        Assert.True(errors.ContainsKey("role"));

        var longest = await CreateKeyAsync(new string('n', 200), "admin");
        Assert.Equal(200, (await Database.ScalarAsync<string>("SELECT name FROM api_keys WHERE id = $1", longest.Id)).Length);
    }

    [Fact]
    public async Task Keys_are_listed_newest_first_a_page_at_a_time()
    {
        var first = await CreateKeyAsync("First", "ops");
        var second = await CreateKeyAsync("Second", "admin");
        var third = await CreateKeyAsync("Third", "ops");
        await CreateCustomerAsync();

        var page1 = await ReadJson(await AdminClient().GetAsync(Keys + "?page=1&pageSize=2"));
        var page2 = await ReadJson(await AdminClient().GetAsync(Keys + "?page=2&pageSize=2"));

        Assert.Equal(3, (int)page1["totalCount"]!);
        Assert.Equal(new[] { third.Id.ToString(), second.Id.ToString() }, Items(page1).Select(i => (string)i!["id"]!));
        Assert.Equal(new[] { first.Id.ToString() }, Items(page2).Select(i => (string)i!["id"]!));
        await AssertProblem(await AdminClient().GetAsync(Keys + "?pageSize=101"), HttpStatusCode.BadRequest, "validation_failed");
    }

    private sealed record CreatedKey(Guid Id, string Secret);

    private async Task<CreatedKey> CreateKeyAsync(string name, string role)
    {
        var response = await AdminClient().PostAsJsonAsync(Keys, new { name, role });
        await AssertStatus(response, HttpStatusCode.Created);
        var body = await ReadJson(response);
        return new CreatedKey(Guid.Parse((string)body["id"]!), (string)body["apiKey"]!);
    }

    private static JsonArray Items(JsonObject page) => page["items"]!.AsArray();

    internal static string Sha256(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
