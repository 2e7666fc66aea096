using System.Net;
using System.Net.Http.Json;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Vms;

/// <summary>The catalogue, provisioning gated by funds, who may see and change which VM, and bad input.</summary>
public sealed class VmProvisioningTests(TestDatabase database) : VmTestBase(database)
{
    [Fact]
    public async Task The_catalogue_lists_every_size_with_its_prices_for_any_authenticated_caller()
    {
        var customer = await CreateCustomerAsync();

        foreach (var client in new[] { Client(customer.ApiKey), AdminClient(), Client(await CreateOpsKeyAsync()) })
        {
            var response = await client.GetAsync("/api/v1/vm-sizes");
            await AssertStatus(response, HttpStatusCode.OK);
            var catalogue = await ReadJson(response);
            Assert.Equal(730, (int)catalogue["hoursPerMonth"]!);
            var sizes = catalogue["sizes"]!.AsArray();
            Assert.Equal(["Small", "Medium", "Large", "Enterprise"], sizes.Select(s => (string)s!["name"]!));
            Assert.Equal([1, 2, 4, 8], sizes.Select(s => (int)s!["vcpus"]!));
            Assert.Equal([2, 4, 8, 16], sizes.Select(s => (int)s!["memoryGb"]!));
            Assert.Equal([150m, 300m, 600m, 1200m], sizes.Select(s => (decimal)s!["monthlyPrice"]!));
            Assert.Equal([150m, 300m, 600m, 1200m], sizes.Select(s => (decimal)s!["fundsRequired"]!));
            Assert.Equal(0.2055m, (decimal)sizes[0]!["hourlyPrice"]!);
        }

        await AssertProblem(await Client(apiKey: null).GetAsync("/api/v1/vm-sizes"), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Provisioning_without_the_months_price_available_is_a_422_naming_required_and_available_and_writes_nothing()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 149.99m);
        var entries = await Database.CountAsync("ledger_entries");

        var response = await Client(customer.ApiKey).SendAsync(Post("/api/v1/vms",
            new { walletId = customer.WalletId, name = "web-1", size = "Small" }));

        var problem = await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        Assert.Equal(150.00m, (decimal)problem["required"]!);
        Assert.Equal(149.99m, (decimal)problem["available"]!);
        Assert.Equal(0L, await Database.CountAsync("vms"));
        Assert.Equal(entries, await Database.CountAsync("ledger_entries"));
        Assert.Equal(149.99m, await BalanceAsync(customer.WalletId));
    }

    [Fact]
    public async Task A_wallet_holding_200_provisions_one_small_vm_and_a_second_is_a_422_naming_the_whole_fleets_required_funds()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 200m);
        var client = Client(customer.ApiKey);
        await ProvisionAsync(client, customer.WalletId, name: "web-1");

        var response = await client.SendAsync(Post("/api/v1/vms", new { walletId = customer.WalletId, name = "web-2", size = "Small" }));

        var problem = await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        Assert.Equal(300.00m, (decimal)problem["required"]!);
        Assert.Equal(200.00m, (decimal)problem["available"]!);
        Assert.Equal(1L, await Database.CountAsync("vms", "wallet_id = $1", customer.WalletId));
        Assert.Equal(200m, await BalanceAsync(customer.WalletId));
    }

    [Fact]
    public async Task Twenty_parallel_provisions_on_a_wallet_that_can_fund_three_create_exactly_three()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 3 * 1200m + 1199.99m);
        using var client = Client(customer.ApiKey);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            client.SendAsync(Post("/api/v1/vms", new { walletId = customer.WalletId, name = $"big-{i}", size = "Enterprise" }))));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            var problem = await AssertProblem(refused, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
            Assert.Equal(4800.00m, (decimal)problem["required"]!);
        }
        Assert.Equal(3L, await Database.CountAsync("vms", "wallet_id = $1 AND status = 'Running'", customer.WalletId));
    }

    [Fact]
    public async Task Starting_and_resizing_up_count_every_running_vm_of_the_wallet_and_stopped_ones_not()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 450m);
        var client = Client(customer.ApiKey);
        var a = IdOf(await ProvisionAsync(client, customer.WalletId, name: "a"));
        var b = IdOf(await ProvisionAsync(client, customer.WalletId, name: "b"));
        var c = IdOf(await ProvisionAsync(client, customer.WalletId, name: "c"));
        await ActAsync(client, c, "stop");

        // a Medium + b Small = 450: the stopped c does not count.
        Assert.Equal("Medium", (string?)(await ActAsync(client, a, "resize", new { size = "Medium" }))["size"]);

        var start = await AssertProblem(await client.SendAsync(Post($"/api/v1/vms/{c}/start", new { })),
            HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        Assert.Equal(600.00m, (decimal)start["required"]!);
        Assert.Equal(450.00m, (decimal)start["available"]!);
        var resize = await AssertProblem(await client.SendAsync(Post($"/api/v1/vms/{b}/resize", new { size = "Medium" })),
            HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        Assert.Equal(600.00m, (decimal)resize["required"]!);
        // A stopped VM may be resized up: it joins the fleet only when started.
        Assert.Equal("Large", (string?)(await ActAsync(client, c, "resize", new { size = "Large" }))["size"]);

        // Resizing down needs no funds and makes room.
        await ActAsync(client, a, "resize", new { size = "Small" });
        Assert.Equal("Medium", (string?)(await ActAsync(client, b, "resize", new { size = "Medium" }))["size"]);
        Assert.Equal(2L, await Database.CountAsync("vms", "wallet_id = $1 AND status = 'Running'", customer.WalletId));
    }

    [Fact]
    public async Task Parallel_starts_of_stopped_vms_on_one_wallet_start_only_as_many_as_it_can_fund()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 1000m);
        using var client = Client(customer.ApiKey);
        var vms = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            var vm = IdOf(await ProvisionAsync(client, customer.WalletId, name: $"vm-{i}"));
            await ActAsync(client, vm, "stop");
            await ActAsync(client, vm, "resize", new { size = "Medium" });
            vms.Add(vm);
        }

        var responses = await Task.WhenAll(vms.Select(vm => client.SendAsync(Post($"/api/v1/vms/{vm}/start", new { }))));

        // 3 × 300 = 900 fits in 1000; a fourth Medium would need 1200.
        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            Assert.Equal(1200.00m, (decimal)(await AssertProblem(refused, HttpStatusCode.UnprocessableEntity, "insufficient_funds"))["required"]!);
        Assert.Equal(3L, await Database.CountAsync("vms", "wallet_id = $1 AND status = 'Running'", customer.WalletId));
    }

    [Fact]
    public async Task Provisioning_with_exactly_enough_creates_a_running_vm_and_charges_nothing_yet()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 600m);
        var client = Client(customer.ApiKey);

        var response = await client.SendAsync(Post("/api/v1/vms", new { walletId = customer.WalletId, name = "big-1", size = "large" }));

        await AssertStatus(response, HttpStatusCode.Created);
        var vm = await ReadJson(response);
        var id = IdOf(vm);
        Assert.Equal($"/api/v1/vms/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("Large", (string?)vm["size"]);
        Assert.Equal("Running", (string?)vm["status"]);
        Assert.Equal("big-1", (string?)vm["name"]);
        Assert.Equal(customer.CustomerId, Guid.Parse((string)vm["customerId"]!));
        Assert.Equal(customer.WalletId, Guid.Parse((string)vm["walletId"]!));
        Assert.Equal(Hour(10), (DateTimeOffset)vm["billedThrough"]!);
        Assert.Null(vm["deletedAt"]);

        var stored = await GetVmAsync(client, id);
        Assert.Equal("Running", (string?)stored["status"]);
        Assert.Equal(Hour(10), (DateTimeOffset)stored["billedThrough"]!);
        Assert.Equal(600m, await BalanceAsync(customer.WalletId));
        Assert.Equal(0L, await Database.CountAsync("vm_usage"));
        Assert.Equal(1L, await Database.CountAsync("vms", "id = $1 AND size = 'Large' AND billed_through = $2", id, Hour(10)));
    }

    [Fact]
    public async Task A_frozen_wallet_cannot_provision()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 500m);
        await AssertStatus(await AdminClient().SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/freeze", new { reason = "Review" })),
            HttpStatusCode.OK);

        var response = await Client(customer.ApiKey).SendAsync(Post("/api/v1/vms",
            new { walletId = customer.WalletId, name = "web-1", size = "Small" }));

        await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "wallet_frozen");
        Assert.Equal(0L, await Database.CountAsync("vms"));
    }

    [Fact]
    public async Task A_customer_cannot_provision_on_another_customers_wallet_but_an_admin_provisions_for_the_wallets_customer()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        await TopUpAsync(bob.WalletId, 500m);

        var stolen = await Client(alice.ApiKey).SendAsync(Post("/api/v1/vms", new { walletId = bob.WalletId, name = "mine", size = "Small" }));
        await AssertProblem(stolen, HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0L, await Database.CountAsync("vms"));

        var byAdmin = await ProvisionAsync(AdminClient(), bob.WalletId);
        Assert.Equal(bob.CustomerId, Guid.Parse((string)byAdmin["customerId"]!));
        // An admin acting on a customer's VM is audited.
        Assert.Equal(1L, await Database.CountAsync("audit_log", "action = 'vm.provision' AND target_type = 'vm' AND target_id = $1", IdOf(byAdmin)));
    }

    [Fact]
    public async Task Another_customers_vm_is_a_404_for_every_endpoint_and_stays_untouched()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        await TopUpAsync(bob.WalletId, 500m);
        var vm = IdOf(await ProvisionAsync(Client(bob.ApiKey), bob.WalletId));
        var asAlice = Client(alice.ApiKey);
        Clock.Advance(TimeSpan.FromHours(2));

        await AssertProblem(await asAlice.GetAsync($"/api/v1/vms/{vm}"), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await asAlice.GetAsync($"/api/v1/vms/{vm}/usage"), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await asAlice.SendAsync(Post($"/api/v1/vms/{vm}/stop", new { })), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await asAlice.SendAsync(Post($"/api/v1/vms/{vm}/start", new { })), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await asAlice.SendAsync(Post($"/api/v1/vms/{vm}/resize", new { size = "Medium" })), HttpStatusCode.NotFound,
            "not_found");
        await AssertProblem(await asAlice.DeleteAsync($"/api/v1/vms/{vm}"), HttpStatusCode.NotFound, "not_found");
        var list = await ReadJson(await asAlice.GetAsync("/api/v1/vms"));
        Assert.Equal(0, (int)list["totalCount"]!);

        var stored = await GetVmAsync(Client(bob.ApiKey), vm);
        Assert.Equal("Running", (string?)stored["status"]);
        Assert.Equal("Small", (string?)stored["size"]);
        Assert.Equal(0L, await Database.CountAsync("vm_usage"));
    }

    [Fact]
    public async Task An_ops_key_may_read_vms_but_not_change_them()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 500m);
        var vm = IdOf(await ProvisionAsync(Client(customer.ApiKey), customer.WalletId));
        var ops = Client(await CreateOpsKeyAsync());
        Clock.Advance(TimeSpan.FromHours(1));

        await AssertProblem(await ops.SendAsync(Post("/api/v1/vms", new { walletId = customer.WalletId, name = "ops", size = "Small" })),
            HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await ops.SendAsync(Post($"/api/v1/vms/{vm}/stop", new { })), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await ops.SendAsync(Post($"/api/v1/vms/{vm}/start", new { })), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await ops.SendAsync(Post($"/api/v1/vms/{vm}/resize", new { size = "Medium" })), HttpStatusCode.Forbidden,
            "forbidden");
        await AssertProblem(await ops.DeleteAsync($"/api/v1/vms/{vm}"), HttpStatusCode.Forbidden, "forbidden");

        await AssertStatus(await ops.GetAsync($"/api/v1/vms/{vm}"), HttpStatusCode.OK);
        await AssertStatus(await ops.GetAsync($"/api/v1/vms/{vm}/usage"), HttpStatusCode.OK);
        Assert.Equal(1L, await Database.CountAsync("vms"));
        Assert.Equal(1L, await Database.CountAsync("vms", "status = 'Running' AND size = 'Small'"));
        Assert.Equal(0L, await Database.CountAsync("vm_usage"));
    }

    [Fact]
    public async Task Bad_input_is_a_400_problem_with_a_code_and_writes_nothing()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 5000m);
        var client = Client(customer.ApiKey);
        var vm = IdOf(await ProvisionAsync(client, customer.WalletId));
        var vmsBefore = await Database.CountAsync("vms");
        var entriesBefore = await Database.CountAsync("ledger_entries");
        Clock.Advance(TimeSpan.FromHours(1));

        var unknownSize = await AssertProblem(await client.SendAsync(Post("/api/v1/vms",
            new { walletId = customer.WalletId, name = "web-2", size = "Huge" })), HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains("Small, Medium, Large, Enterprise", unknownSize["errors"]!["size"]![0]!.ToString());

        var missing = await AssertProblem(await client.SendAsync(Post("/api/v1/vms", new { })), HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(missing["errors"]!["walletId"]);
        Assert.NotNull(missing["errors"]!["name"]);
        Assert.NotNull(missing["errors"]!["size"]);

        await AssertProblem(await client.SendAsync(Post("/api/v1/vms",
            new { walletId = customer.WalletId, name = new string('n', 201), size = "Small" })), HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await client.SendAsync(Post("/api/v1/vms",
            new { walletId = customer.WalletId, name = "   ", size = "Small" })), HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await client.SendAsync(PostRaw("/api/v1/vms",
            $$"""{"walletId":"{{customer.WalletId}}","name":"x","size":"Small","cpu":4}""")), HttpStatusCode.BadRequest, "malformed_request");
        await AssertProblem(await client.SendAsync(PostRaw("/api/v1/vms", """{"walletId":"not-a-guid","name":"x","size":"Small"}""")),
            HttpStatusCode.BadRequest, "malformed_request");
        await AssertProblem(await client.SendAsync(PostRaw("/api/v1/vms", "{")), HttpStatusCode.BadRequest, "malformed_request");

        var badResize = await AssertProblem(await client.SendAsync(Post($"/api/v1/vms/{vm}/resize", new { size = "XL" })),
            HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains("Small, Medium, Large, Enterprise", badResize["errors"]!["size"]![0]!.ToString());
        await AssertProblem(await client.SendAsync(Post($"/api/v1/vms/{vm}/resize", new { })), HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await client.SendAsync(PostRaw($"/api/v1/vms/{vm}/resize", """{"size":3}""")), HttpStatusCode.BadRequest,
            "malformed_request");

        await AssertProblem(await client.GetAsync("/api/v1/vms?status=Sleeping"), HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await client.GetAsync("/api/v1/vms?pageSize=0"), HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await client.GetAsync($"/api/v1/vms/{vm}/usage?from=2025-01-15T12:00:00Z&to=2025-01-15T11:00:00Z"),
            HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await client.GetAsync($"/api/v1/vms/{vm}/usage?from=yesterday"), HttpStatusCode.BadRequest, "malformed_request");

        // Ids that are not ids match no route, like every other resource.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/vms/not-a-guid")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(Post("/api/v1/vms/123/stop", new { }))).StatusCode);
        await AssertProblem(await client.GetAsync($"/api/v1/vms/{Guid.NewGuid()}"), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await client.SendAsync(Post($"/api/v1/vms/{Guid.Empty}/stop", new { })), HttpStatusCode.BadRequest,
            "validation_failed");

        Assert.Equal(vmsBefore, await Database.CountAsync("vms"));
        Assert.Equal(entriesBefore, await Database.CountAsync("ledger_entries"));
        Assert.Equal(0L, await Database.CountAsync("vm_usage"));
        var stored = await GetVmAsync(client, vm);
        Assert.Equal("Small", (string?)stored["size"]);
        Assert.Equal("Running", (string?)stored["status"]);
    }

    [Fact]
    public async Task Lists_are_paged_newest_first_a_customer_sees_its_own_an_admin_sees_all_and_status_filters()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        await TopUpAsync(alice.WalletId, 1000m);
        await TopUpAsync(bob.WalletId, 1000m);
        var asAlice = Client(alice.ApiKey);
        var first = IdOf(await ProvisionAsync(asAlice, alice.WalletId, name: "a-1"));
        Clock.Advance(TimeSpan.FromMinutes(1));
        var second = IdOf(await ProvisionAsync(asAlice, alice.WalletId, name: "a-2"));
        Clock.Advance(TimeSpan.FromMinutes(1));
        await ProvisionAsync(Client(bob.ApiKey), bob.WalletId, name: "b-1");
        await ActAsync(asAlice, first, "stop");

        var own = await ReadJson(await asAlice.GetAsync("/api/v1/vms?pageSize=1"));
        Assert.Equal(2, (int)own["totalCount"]!);
        Assert.Equal(1, (int)own["pageSize"]!);
        Assert.Equal(second, IdOf(own["items"]![0]!.AsObject()));

        var all = await ReadJson(await AdminClient().GetAsync("/api/v1/vms"));
        Assert.Equal(3, (int)all["totalCount"]!);
        Assert.Equal(["b-1", "a-2", "a-1"], all["items"]!.AsArray().Select(v => (string)v!["name"]!));

        var stopped = await ReadJson(await asAlice.GetAsync("/api/v1/vms?status=stopped"));
        Assert.Equal(first, IdOf(Assert.Single(stopped["items"]!.AsArray())!.AsObject()));
        var running = await ReadJson(await AdminClient().GetAsync("/api/v1/vms?status=Running"));
        Assert.Equal(2, (int)running["totalCount"]!);
    }

    [Fact]
    public async Task Provisioning_with_an_idempotency_key_creates_one_vm()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 500m);
        var client = Client(customer.ApiKey);
        var body = new { walletId = customer.WalletId, name = "once", size = "Small" };

        var first = await client.SendAsync(Post("/api/v1/vms", body, "vm-once"));
        var second = await client.SendAsync(Post("/api/v1/vms", body, "vm-once"));

        await AssertStatus(first, HttpStatusCode.Created);
        await AssertStatus(second, HttpStatusCode.Created);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1L, await Database.CountAsync("vms"));
        var reused = await client.PostAsJsonAsync("/api/v1/vms", new { walletId = customer.WalletId, name = "other", size = "Small" });
        await AssertStatus(reused, HttpStatusCode.Created);
        Assert.Equal(2L, await Database.CountAsync("vms"));
    }
}
