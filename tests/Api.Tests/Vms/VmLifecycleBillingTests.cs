using System.Net;
using System.Net.Http.Json;
using CleanWallet.Api.Tests.Billing;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Vms;

/// <summary>
/// Stop, start, resize and delete with a clock moved across hours: each settles exactly the ended clock hours the VM ran
/// in (delete: the current one too), once, each at the largest size the VM had in it, as one UsageCharge entry and one
/// vm_usage row per hour, and the wallet always equals its ledger.
/// Small is 150/730 a hour: cumulative 0.21, 0.41, 0.62, 0.82, 1.03, 1.23 for 1…6 hours.
/// </summary>
public sealed class VmLifecycleBillingTests(TestDatabase database) : VmTestBase(database)
{
    [Fact]
    public async Task Stop_leaves_the_current_hour_open_and_the_next_change_bills_it_once_with_one_entry_and_its_usage_row()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 150m);
        var client = Client(customer.ApiKey);
        var vm = IdOf(await ProvisionAsync(client, customer.WalletId, name: "web-1"));
        Clock.Advance(TimeSpan.FromMinutes(10));

        var stopped = await ActAsync(client, vm, "stop");

        Assert.Equal("Stopped", (string?)stopped["status"]);
        Assert.Equal(Hour(10), (DateTimeOffset)stopped["billedThrough"]!);
        Assert.Equal("Small", (string?)stopped["peakSize"]);
        Assert.Null(stopped["settled"]);
        Assert.Equal(0L, await UsageRowsAsync(vm));

        // A second stop is a conflict and bills nothing.
        Clock.Advance(TimeSpan.FromMinutes(5));
        var again = await AssertProblem(await client.SendAsync(Post($"/api/v1/vms/{vm}/stop", new { })), HttpStatusCode.Conflict,
            "conflict");
        Assert.Equal("Stopped", (string?)again["vmStatus"]);
        Assert.Equal(0L, await UsageRowsAsync(vm));

        // Once the hour has ended, the next change bills it: only that hour, it did not run in the next one.
        Clock.Now = Hour(11).AddMinutes(5);
        var deleted = await ReadJson(await client.DeleteAsync($"/api/v1/vms/{vm}"));
        var settled = deleted["settled"]!;
        Assert.Equal(1, (int)settled["hours"]!);
        Assert.Equal(0.21m, (decimal)settled["amount"]!);
        Assert.Equal(Hour(10), (DateTimeOffset)settled["from"]!);
        Assert.Equal(Hour(11), (DateTimeOffset)settled["to"]!);
        var entryId = Guid.Parse((string)settled["ledgerEntryId"]!);

        var entry = await ReadJson(await client.GetAsync($"/api/v1/wallets/{customer.WalletId}/transactions/{entryId}"));
        Assert.Equal("UsageCharge", (string?)entry["type"]);
        Assert.Equal("Debit", (string?)entry["direction"]);
        Assert.Equal(0.21m, (decimal)entry["amount"]!);
        Assert.Equal("vm_usage", (string?)entry["referenceType"]);
        Assert.Equal(vm, Guid.Parse((string)entry["referenceId"]!));
        Assert.Contains("web-1", (string)entry["description"]!);
        Assert.Contains("2025-01-15 10:00 to 2025-01-15 11:00", (string)entry["description"]!);

        Assert.Equal(1L, await Database.CountAsync("vm_usage",
            "vm_id = $1 AND hour_start = $2 AND size = 'Small' AND amount = 0.21 AND ledger_entry_id = $3 AND billing_run_id IS NULL AND wallet_id = $4",
            vm, Hour(10), entryId, customer.WalletId));
        Assert.Equal(1L, await UsageEntriesAsync(vm));
        Assert.Equal(149.79m, await BalanceAsync(customer.WalletId));
        Assert.Equal(0m, await BalanceMinusLedgerAsync(customer.WalletId));
    }

    [Fact]
    public async Task Stopping_and_starting_again_within_an_hour_bills_that_hour_once()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 300m);
        var client = Client(customer.ApiKey);
        var vm = IdOf(await ProvisionAsync(client, customer.WalletId));
        Clock.Advance(TimeSpan.FromMinutes(5));
        await ActAsync(client, vm, "stop");

        Clock.Advance(TimeSpan.FromMinutes(10));
        var started = await ActAsync(client, vm, "start");
        Assert.Equal("Running", (string?)started["status"]);
        Assert.Equal(Hour(10), (DateTimeOffset)started["billedThrough"]!);
        Assert.Null(started["settled"]);
        Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Null((await ActAsync(client, vm, "stop"))["settled"]);

        Clock.Now = Hour(11).AddMinutes(10);
        var deleted = await ReadJson(await client.DeleteAsync($"/api/v1/vms/{vm}"));

        Assert.Equal(1, (int)deleted["settled"]!["hours"]!);
        Assert.Equal("15 10:00 Small 0.21", await UsageHoursAsync(vm));
        Assert.Equal(1L, await UsageEntriesAsync(vm));
        Assert.Equal(299.79m, await BalanceAsync(customer.WalletId));
        Assert.Equal(0m, await BalanceMinusLedgerAsync(customer.WalletId));
    }

    [Fact]
    public async Task Stopping_and_starting_across_hours_bills_exactly_the_hours_run_and_records_the_others_as_idle()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 300m);
        var client = Client(customer.ApiKey);
        var vm = IdOf(await ProvisionAsync(client, customer.WalletId));

        Clock.Now = Hour(12).AddMinutes(5);
        var first = await ActAsync(client, vm, "stop");
        Assert.Equal(2, (int)first["settled"]!["hours"]!);
        Assert.Equal(0.41m, (decimal)first["settled"]!["amount"]!);

        // Stopped from 12:05 to 15:50: the start bills hour 12 (it ran in it); hours 13 and 14 are never billed.
        Clock.Now = Hour(15).AddMinutes(50);
        var restarted = await ActAsync(client, vm, "start");
        Assert.Equal(Hour(15), (DateTimeOffset)restarted["billedThrough"]!);
        Assert.Equal(1, (int)restarted["settled"]!["hours"]!);
        Assert.Equal(0.21m, (decimal)restarted["settled"]!["amount"]!);
        Assert.Equal(1L, await Database.CountAsync("vm_idle_periods", "vm_id = $1 AND from_hour = $2 AND to_hour = $3", vm, Hour(13), Hour(15)));
        Clock.Now = Hour(17).AddMinutes(10);
        var second = await ActAsync(client, vm, "stop");
        Assert.Equal(2, (int)second["settled"]!["hours"]!);
        Clock.Now = Hour(17).AddMinutes(20);
        var deleted = await ReadJson(await client.DeleteAsync($"/api/v1/vms/{vm}"));
        Assert.Equal(1, (int)deleted["settled"]!["hours"]!);

        // The count continues at the same size: 6 hours cost 1.23 in all.
        Assert.Equal("15 10:00 Small 0.21, 15 11:00 Small 0.20, 15 12:00 Small 0.21, " +
                     "15 15:00 Small 0.20, 15 16:00 Small 0.21, 15 17:00 Small 0.20", await UsageHoursAsync(vm));
        Assert.Equal(4L, await UsageEntriesAsync(vm));
        Assert.Equal(298.77m, await BalanceAsync(customer.WalletId));
        Assert.Equal(0m, await BalanceMinusLedgerAsync(customer.WalletId));
        Assert.Equal(6L, (long)(await GetVmAsync(client, vm))["sizeHoursBilled"]!);
    }

    [Fact]
    public async Task Resize_bills_each_hour_at_the_largest_size_the_vm_had_in_it()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 500m);
        var client = Client(customer.ApiKey);
        var vm = IdOf(await ProvisionAsync(client, customer.WalletId));

        Clock.Now = Hour(11).AddMinutes(30);
        var resized = await ActAsync(client, vm, "resize", new { size = "medium" });
        Assert.Equal("Medium", (string?)resized["size"]);
        Assert.Equal("Medium", (string?)resized["peakSize"]);
        Assert.Equal("Running", (string?)resized["status"]);
        Assert.Equal(Hour(11), (DateTimeOffset)resized["billedThrough"]!);
        Assert.Equal(0.21m, (decimal)resized["settled"]!["amount"]!);

        Clock.Now = Hour(13).AddMinutes(15);
        var stopped = await ActAsync(client, vm, "stop");
        // Medium is 300/730 a hour: 0.41 and 0.41 for its first two hours; hour 11 was Medium from 11:30.
        Assert.Equal(0.82m, (decimal)stopped["settled"]!["amount"]!);

        Assert.Equal("15 10:00 Small 0.21, 15 11:00 Medium 0.41, 15 12:00 Medium 0.41", await UsageHoursAsync(vm));
        Assert.Equal(2L, await UsageEntriesAsync(vm));
        Assert.Equal(498.97m, await BalanceAsync(customer.WalletId));
        Assert.Equal(0m, await BalanceMinusLedgerAsync(customer.WalletId));
    }

    [Fact]
    public async Task Provisioning_small_resizing_to_enterprise_and_back_within_one_hour_costs_enterprises_hourly_price_once()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 1200m);
        var client = Client(customer.ApiKey);
        var vm = IdOf(await ProvisionAsync(client, customer.WalletId, size: "Small"));
        Clock.Now = Hour(10).AddMinutes(21);
        Assert.Null((await ActAsync(client, vm, "resize", new { size = "Enterprise" }))["settled"]);
        Clock.Now = Hour(10).AddMinutes(59);
        var back = await ActAsync(client, vm, "resize", new { size = "Small" });
        Assert.Equal("Small", (string?)back["size"]);
        Assert.Equal("Enterprise", (string?)back["peakSize"]);

        Clock.Now = Hour(11).AddMinutes(30);
        var stopped = await ActAsync(client, vm, "stop");

        // Enterprise is 1200/730 = 1.6438… a hour: 1.64 for the hour, once.
        Assert.Equal(1, (int)stopped["settled"]!["hours"]!);
        Assert.Equal(1.64m, (decimal)stopped["settled"]!["amount"]!);
        Assert.Equal("15 10:00 Enterprise 1.64", await UsageHoursAsync(vm));
        Assert.Equal(1200m - 1.64m, await BalanceAsync(customer.WalletId));
        Assert.Equal(0m, await BalanceMinusLedgerAsync(customer.WalletId));
    }

    [Fact]
    public async Task Resizing_up_without_the_new_sizes_funds_is_refused_and_changes_nothing_while_resizing_down_needs_no_funds()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 599.99m);
        var client = Client(customer.ApiKey);
        var vm = IdOf(await ProvisionAsync(client, customer.WalletId, size: "Medium"));
        Clock.Now = Hour(11).AddMinutes(30);
        var entries = await Database.CountAsync("ledger_entries");

        var response = await client.SendAsync(Post($"/api/v1/vms/{vm}/resize", new { size = "Large" }));

        // Available after paying the ended Medium hour (0.41) that the resize settles first, and which is rolled back.
        var problem = await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        Assert.Equal(600.00m, (decimal)problem["required"]!);
        Assert.Equal(599.58m, (decimal)problem["available"]!);
        var stored = await GetVmAsync(client, vm);
        Assert.Equal("Medium", (string?)stored["size"]);
        Assert.Equal(Hour(10), (DateTimeOffset)stored["billedThrough"]!);
        Assert.Equal(0L, await UsageRowsAsync(vm));
        Assert.Equal(entries, await Database.CountAsync("ledger_entries"));
        Assert.Equal(599.99m, await BalanceAsync(customer.WalletId));

        // Down needs no funds check: the ended hour is billed at Medium, and the current one too (its peak).
        await PayAsync(client, customer.WalletId, 599m);
        var down = await ActAsync(client, vm, "resize", new { size = "Small" });
        Assert.Equal("Small", (string?)down["size"]);
        Assert.Equal("Medium", (string?)down["peakSize"]);
        Assert.Equal("Running", (string?)down["status"]);
        Assert.Equal(0.41m, (decimal)down["settled"]!["amount"]!);
        Assert.Equal("15 10:00 Medium 0.41", await UsageHoursAsync(vm));
        Assert.Equal(0.58m, await BalanceAsync(customer.WalletId));
        Assert.Equal(0m, await BalanceMinusLedgerAsync(customer.WalletId));
    }

    [Fact]
    public async Task Resizing_to_the_size_it_has_is_a_no_op()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 500m);
        var client = Client(customer.ApiKey);
        var vm = IdOf(await ProvisionAsync(client, customer.WalletId));
        Clock.Now = Hour(12).AddMinutes(30);

        var same = await ActAsync(client, vm, "resize", new { size = "SMALL" });

        Assert.Equal("Small", (string?)same["size"]);
        Assert.Equal("Running", (string?)same["status"]);
        Assert.Null(same["settled"]);
        Assert.Equal(Hour(10), (DateTimeOffset)same["billedThrough"]!);
        Assert.Equal(0L, await UsageRowsAsync(vm));
        Assert.Equal(500m, await BalanceAsync(customer.WalletId));
    }

    [Fact]
    public async Task A_resize_whose_charge_overdraws_the_wallet_suspends_the_vm_until_the_wallet_can_pay()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 300m);
        var client = Client(customer.ApiKey);
        var vm = IdOf(await ProvisionAsync(client, customer.WalletId, size: "Medium"));
        await PayAsync(client, customer.WalletId, 299.90m);

        Clock.Now = Hour(11).AddMinutes(30);
        var resized = await ActAsync(client, vm, "resize", new { size = "Small" });

        // Usage consumed is charged in full (0.41 for the ended Medium hour), below zero; the VM is suspended with it.
        Assert.Equal("Suspended", (string?)resized["status"]);
        Assert.Equal("Small", (string?)resized["size"]);
        Assert.Equal(0.41m, (decimal)resized["settled"]!["amount"]!);
        Assert.Equal(-0.31m, await BalanceAsync(customer.WalletId));
        Assert.Equal(0m, await BalanceMinusLedgerAsync(customer.WalletId));

        // Other debits, and starting again, are refused until a top-up covers them.
        await AssertProblem(await client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 0.01m, description = "More" })), HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        var refused = await AssertProblem(await client.SendAsync(Post($"/api/v1/vms/{vm}/start", new { })),
            HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        Assert.Equal(150.00m, (decimal)refused["required"]!);
        Assert.Equal(-0.31m, (decimal)refused["available"]!);
        Assert.Equal("Suspended", (string?)(await GetVmAsync(client, vm))["status"]);

        // The start first bills hour 11, which it ran in at Medium until 11:30 (0.41), then needs 150.00 left.
        await TopUpAsync(customer.WalletId, 150.72m, client);
        Clock.Now = Hour(14).AddMinutes(5);
        var started = await ActAsync(client, vm, "start");
        Assert.Equal("Running", (string?)started["status"]);
        Assert.Equal(Hour(14), (DateTimeOffset)started["billedThrough"]!);
        Assert.Equal(0.41m, (decimal)started["settled"]!["amount"]!);
        Assert.Equal("15 10:00 Medium 0.41, 15 11:00 Medium 0.41", await UsageHoursAsync(vm));
        Assert.Equal(150.00m, await BalanceAsync(customer.WalletId));
    }

    [Fact]
    public async Task A_frozen_wallet_refuses_start_and_resize_up_but_is_still_charged_for_usage_on_stop()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 1000m);
        var client = Client(customer.ApiKey);
        var running = IdOf(await ProvisionAsync(client, customer.WalletId, name: "running"));
        var stopped = IdOf(await ProvisionAsync(client, customer.WalletId, name: "stopped"));
        await ActAsync(client, stopped, "stop");
        await AssertStatus(await AdminClient().SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/freeze", new { })), HttpStatusCode.OK);
        Clock.Now = Hour(11).AddMinutes(1);

        await AssertProblem(await client.SendAsync(Post($"/api/v1/vms/{stopped}/start", new { })), HttpStatusCode.UnprocessableEntity,
            "wallet_frozen");
        await AssertProblem(await client.SendAsync(Post($"/api/v1/vms/{running}/resize", new { size = "Large" })),
            HttpStatusCode.UnprocessableEntity, "wallet_frozen");
        var stop = await ActAsync(client, running, "stop");

        Assert.Equal(0.21m, (decimal)stop["settled"]!["amount"]!);
        Assert.Equal(1000m - 0.21m, await BalanceAsync(customer.WalletId));
        Assert.Equal(0L, await UsageRowsAsync(stopped));
        Assert.Equal(0m, await BalanceMinusLedgerAsync(customer.WalletId));
    }

    [Fact]
    public async Task Delete_settles_a_running_vm_which_stays_readable_and_refuses_every_further_action()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 500m);
        var client = Client(customer.ApiKey);
        var vm = IdOf(await ProvisionAsync(client, customer.WalletId));
        Clock.Now = Hour(12).AddMinutes(40);

        var response = await client.DeleteAsync($"/api/v1/vms/{vm}");

        await AssertStatus(response, HttpStatusCode.OK);
        var deleted = await ReadJson(response);
        Assert.Equal("Deleted", (string?)deleted["status"]);
        Assert.Equal(Hour(12).AddMinutes(40), (DateTimeOffset)deleted["deletedAt"]!);
        Assert.Equal(3, (int)deleted["settled"]!["hours"]!);
        Assert.Equal(0.62m, (decimal)deleted["settled"]!["amount"]!);
        Assert.Equal(499.38m, await BalanceAsync(customer.WalletId));
        Assert.Equal(0m, await BalanceMinusLedgerAsync(customer.WalletId));

        var stored = await GetVmAsync(client, vm);
        Assert.Equal("Deleted", (string?)stored["status"]);
        Clock.Advance(TimeSpan.FromHours(3));
        await AssertProblem(await client.SendAsync(Post($"/api/v1/vms/{vm}/stop", new { })), HttpStatusCode.Conflict, "vm_deleted");
        await AssertProblem(await client.SendAsync(Post($"/api/v1/vms/{vm}/start", new { })), HttpStatusCode.Conflict, "vm_deleted");
        await AssertProblem(await client.SendAsync(Post($"/api/v1/vms/{vm}/resize", new { size = "Large" })), HttpStatusCode.Conflict,
            "vm_deleted");
        await AssertProblem(await client.DeleteAsync($"/api/v1/vms/{vm}"), HttpStatusCode.Conflict, "vm_deleted");
        Assert.Equal(3L, await UsageRowsAsync(vm));
        Assert.Equal(1L, await UsageEntriesAsync(vm));
    }

    [Fact]
    public async Task Seven_hundred_thirty_hours_of_a_small_vm_settled_by_one_delete_cost_exactly_150()
    {
        Clock.Now = Hour(0);
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 150m);
        var client = Client(customer.ApiKey);
        var vm = IdOf(await ProvisionAsync(client, customer.WalletId));

        // From 15 January 00:00 to 14 February 09:59: 730 clock hours.
        Clock.Advance(TimeSpan.FromHours(729) + TimeSpan.FromMinutes(59));
        var deleted = await ReadJson(await client.DeleteAsync($"/api/v1/vms/{vm}"));

        Assert.Equal(730, (int)deleted["settled"]!["hours"]!);
        Assert.Equal(150.00m, (decimal)deleted["settled"]!["amount"]!);
        Assert.Equal(730L, await UsageRowsAsync(vm));
        Assert.Equal(150.00m, await UsageAmountAsync(vm));
        Assert.Equal(1L, await UsageEntriesAsync(vm));
        Assert.Equal(0.00m, await BalanceAsync(customer.WalletId));
        Assert.Equal(0m, await BalanceMinusLedgerAsync(customer.WalletId));
        Assert.Equal("Deleted", (string?)deleted["status"]);
    }

    [Fact]
    public async Task Parallel_stop_requests_on_one_vm_bill_its_hours_once()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 500m);
        using var client = Client(customer.ApiKey);
        var vm = IdOf(await ProvisionAsync(client, customer.WalletId));
        Clock.Now = Hour(13).AddMinutes(20);

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ =>
            client.SendAsync(Post($"/api/v1/vms/{vm}/stop", new { }))));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            await AssertProblem(refused, HttpStatusCode.Conflict, "conflict");
        Assert.Equal(3L, await UsageRowsAsync(vm));
        Assert.Equal(1L, await UsageEntriesAsync(vm));
        Assert.Equal(0.62m, await UsageAmountAsync(vm));
        Assert.Equal(499.38m, await BalanceAsync(customer.WalletId));
        Assert.Equal(0m, await BalanceMinusLedgerAsync(customer.WalletId));
    }

    [Fact]
    public async Task A_stop_that_waits_for_the_wallet_lock_stamps_its_usage_entry_after_the_entry_written_before_it()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 500m);
        using var client = Client(customer.ApiKey);
        var vm = IdOf(await ProvisionAsync(client, customer.WalletId));
        Clock.Now = Hour(11).AddMinutes(20);
        var later = Clock.Now.AddMinutes(5);

        HttpResponseMessage stopped;
        await using (var holder = await WalletLockHolder.LockAsync(Database, customer.WalletId))
        {
            var stop = client.SendAsync(Post($"/api/v1/vms/{vm}/stop", new { }));
            await WalletLockHolder.WaitForAWaiterAsync(Database);
            Clock.Now = later;
            await holder.WriteEntryAndCommitAsync(later);
            stopped = await stop.WaitAsync(TimeSpan.FromSeconds(30));
        }

        await AssertStatus(stopped, HttpStatusCode.OK);
        Assert.Equal(0L, await WalletLockHolder.EntriesOutOfTimeOrderAsync(Database, customer.WalletId));
        Assert.Equal(1L, await Database.CountAsync("ledger_entries", "reference_id = $1 AND created_at >= $2", vm, later));
    }

    [Fact]
    public async Task A_replayed_stop_with_the_same_idempotency_key_returns_the_first_answer_and_bills_once()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 500m);
        var client = Client(customer.ApiKey);
        var vm = IdOf(await ProvisionAsync(client, customer.WalletId));
        Clock.Now = Hour(11).AddMinutes(20);

        var first = await client.SendAsync(Post($"/api/v1/vms/{vm}/stop", new { }, "stop-1"));
        Clock.Advance(TimeSpan.FromHours(1));
        var replay = await client.SendAsync(Post($"/api/v1/vms/{vm}/stop", new { }, "stop-1"));

        await AssertStatus(first, HttpStatusCode.OK);
        await AssertStatus(replay, HttpStatusCode.OK);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1L, await UsageRowsAsync(vm));
        Assert.Equal(1L, await UsageEntriesAsync(vm));
    }

    [Fact]
    public async Task The_usage_endpoint_lists_billed_hours_oldest_first_with_totals_and_filters_by_range()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 300m);
        var client = Client(customer.ApiKey);
        var vm = IdOf(await ProvisionAsync(client, customer.WalletId));
        Clock.Now = Hour(12).AddMinutes(5);
        var stopEntry = (string)(await ActAsync(client, vm, "stop"))["settled"]!["ledgerEntryId"]!;
        Clock.Now = Hour(15).AddMinutes(50);
        var startEntry = (string)(await ActAsync(client, vm, "start"))["settled"]!["ledgerEntryId"]!;
        Clock.Now = Hour(17).AddMinutes(10);
        var secondStopEntry = (string)(await ActAsync(client, vm, "stop"))["settled"]!["ledgerEntryId"]!;
        var deleteEntry = (string)(await ReadJson(await client.DeleteAsync($"/api/v1/vms/{vm}")))["settled"]!["ledgerEntryId"]!;

        var all = await ReadJson(await client.GetAsync($"/api/v1/vms/{vm}/usage?pageSize=100"));
        Assert.Equal(vm, Guid.Parse((string)all["vmId"]!));
        Assert.Equal("ZAR", (string?)all["currency"]);
        Assert.Equal(6, (int)all["totalCount"]!);
        Assert.Equal(6, (int)all["totalHours"]!);
        Assert.Equal(1.23m, (decimal)all["totalAmount"]!);
        var items = all["items"]!.AsArray();
        Assert.Equal([Hour(10), Hour(11), Hour(12), Hour(15), Hour(16), Hour(17)], items.Select(i => (DateTimeOffset)i!["hourStart"]!));
        Assert.All(items, i => Assert.Equal("Small", (string?)i!["size"]));
        Assert.All(items, i => Assert.Null(i!["billingRunId"]));
        Assert.Equal([stopEntry, stopEntry, startEntry, secondStopEntry, secondStopEntry, deleteEntry],
            items.Select(i => (string)i!["ledgerEntryId"]!));
        Assert.Equal([0.21m, 0.20m, 0.21m, 0.20m, 0.21m, 0.20m], items.Select(i => (decimal)i!["amount"]!));

        // [from, to) in any offset; paged with the totals of the whole range.
        var ranged = await ReadJson(await client.GetAsync(
            $"/api/v1/vms/{vm}/usage?from=2025-01-15T13:00:00%2B02:00&to=2025-01-15T16:00:00Z&pageSize=2"));
        Assert.Equal(3, (int)ranged["totalCount"]!);
        Assert.Equal(0.61m, (decimal)ranged["totalAmount"]!);
        Assert.Equal([Hour(11), Hour(12)], ranged["items"]!.AsArray().Select(i => (DateTimeOffset)i!["hourStart"]!));
        var page2 = await ReadJson(await client.GetAsync(
            $"/api/v1/vms/{vm}/usage?from=2025-01-15T11:00:00Z&to=2025-01-15T16:00:00Z&pageSize=2&page=2"));
        Assert.Equal([Hour(15)], page2["items"]!.AsArray().Select(i => (DateTimeOffset)i!["hourStart"]!));

        var none = await ReadJson(await client.GetAsync($"/api/v1/vms/{vm}/usage?from=2025-02-01T00:00:00Z"));
        Assert.Equal(0, (int)none["totalCount"]!);
        Assert.Equal(0m, (decimal)none["totalAmount"]!);
        Assert.Empty(none["items"]!.AsArray());
    }

    [Fact]
    public async Task An_admin_acts_on_a_customers_vm_charging_the_vms_wallet_with_an_audit_record()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 500m);
        var vm = IdOf(await ProvisionAsync(Client(customer.ApiKey), customer.WalletId));
        Clock.Now = Hour(11).AddMinutes(1);

        var stopped = await ActAsync(AdminClient(), vm, "stop");

        Assert.Equal(0.21m, (decimal)stopped["settled"]!["amount"]!);
        Assert.Equal(499.79m, await BalanceAsync(customer.WalletId));
        Assert.Equal(1L, await Database.CountAsync("audit_log", "action = 'vm.stop' AND target_id = $1 AND amount = 0.21", vm));
        Assert.Equal(1L, await Database.CountAsync("ledger_entries", "reference_id = $1 AND actor <> ''", vm));
        var restarted = await ReadJson(await AdminClient().PostAsJsonAsync($"/api/v1/vms/{vm}/start", new { }));
        Assert.Equal("Running", (string?)restarted["status"]);
    }
}
