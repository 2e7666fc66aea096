using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Integrity;

/// <summary>
/// One integrity check at a time, and an on-demand one never waits without limit for another: the lock is held from a
/// separate connection, as a running check holds it (the same key, <c>hashtextextended('integrity-check', 0)</c>).
/// </summary>
public sealed class IntegrityLockTests(TestDatabase database) : IntegrityTestBase(database)
{
    private const int LockWaitSeconds = 2;
    private const int RetryAfterSeconds = 7;

    protected override ApiFactory CreateFactory() =>
        ApiFactory.StartOnKestrel(Database.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Integrity:LockWaitSeconds"] = LockWaitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Integrity:RetryAfterSeconds"] = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    [Fact]
    public async Task An_on_demand_check_while_another_runs_is_a_409_with_retry_after_after_the_bounded_wait_and_writes_nothing()
    {
        var (customer, _) = await CustomerWithPaymentsAsync();
        var first = await RunCheckAsync();
        await PayAsync(customer, 5m);
        var checkpointBefore = await CheckpointAsync(customer.WalletId);

        await using (var running = await HoldCheckLockAsync())
        {
            var clock = Stopwatch.StartNew();
            var response = await Client().PostAsync(ChecksUrl, null);
            var waited = clock.Elapsed;

            var problem = await AssertProblem(response, HttpStatusCode.Conflict, "integrity_check_running");
            Assert.Contains("Another integrity check is running", (string?)problem["detail"]);
            Assert.Equal(TimeSpan.FromSeconds(RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
            Assert.InRange(waited, TimeSpan.FromSeconds(LockWaitSeconds - 0.2), TimeSpan.FromSeconds(LockWaitSeconds + 8));

            // Nothing written: no report, the checkpoint where the first check left it, the latest report still the first.
            Assert.Equal(1L, await Database.CountAsync("integrity_reports"));
            Assert.Equal(checkpointBefore, await CheckpointAsync(customer.WalletId));
            Assert.Equal((string?)first["id"], (string?)(await GetJsonAsync($"{ChecksUrl}/latest"))["id"]);
            // The refused check let go of everything: only the holder's lock is there, no waiter left behind.
            Assert.Equal(1L, await CheckLockRowsAsync());
        }

        var report = await RunCheckAsync();
        AssertNoIssues(report);
        Assert.Equal(2L, await Database.CountAsync("integrity_reports"));
        Assert.Equal((5L, (string?)report["id"]), await CheckpointAsync(customer.WalletId));
    }

    [Fact]
    public async Task An_incremental_check_while_another_runs_is_refused_the_same_way()
    {
        await CustomerWithPaymentsAsync();

        await using (var running = await HoldCheckLockAsync())
        {
            var response = await Client().PostAsync($"{ChecksUrl}?mode=incremental", null);
            await AssertProblem(response, HttpStatusCode.Conflict, "integrity_check_running");
            Assert.NotNull(response.Headers.RetryAfter);
        }

        Assert.Equal(0L, await Database.CountAsync("integrity_reports"));
        Assert.Equal(0L, await Database.CountAsync("integrity_checkpoints"));
        Assert.Equal("Incremental", (string?)(await RunIncrementalCheckAsync())["mode"]);
    }

    [Fact]
    public async Task With_no_lock_wait_a_check_while_another_runs_is_refused_at_once()
    {
        await CustomerWithPaymentsAsync();
        await using var noWait = ApiFactory.StartOnKestrel(Database.ConnectionString,
            settings: new Dictionary<string, string?> { ["Integrity:LockWaitSeconds"] = "0" });
        using var client = noWait.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiFactory.AdminKey);
        // The new host warmed up (auth, mediator, database): only the check is timed below.
        await AssertProblem(await client.GetAsync($"{ChecksUrl}/latest"), HttpStatusCode.NotFound, "not_found");

        await using (var running = await HoldCheckLockAsync())
        {
            var clock = Stopwatch.StartNew();
            var response = await client.PostAsync(ChecksUrl, null);
            await AssertProblem(response, HttpStatusCode.Conflict, "integrity_check_running");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"Refused only after {clock.Elapsed}");
        }

        Assert.Equal(0L, await Database.CountAsync("integrity_reports"));
        var ran = await client.PostAsync(ChecksUrl, null);
        await AssertStatus(ran, HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_check_waiting_for_one_that_finishes_within_the_wait_runs_when_it_is_released()
    {
        var (customer, _) = await CustomerWithPaymentsAsync();

        HttpResponseMessage response;
        DateTimeOffset released;
        await using (var running = await HoldCheckLockAsync())
        {
            var waiting = Client().PostAsync(ChecksUrl, null);
            // The request is queued behind the lock in the database (not refused, not yet run) …
            await WaitUntilAsync(async () => await CheckLockRowsAsync(granted: false) == 1, TimeSpan.FromSeconds(LockWaitSeconds));
            Assert.Equal(0L, await Database.CountAsync("integrity_reports"));
            Assert.False(waiting.IsCompleted);
            released = DateTimeOffset.UtcNow;
            await running.DisposeAsync(); // … and runs the moment the other check lets go.
            response = await waiting;
        }

        await AssertStatus(response, HttpStatusCode.Created);
        var report = await ReadJson(response);
        AssertNoIssues(report);
        // The report starts when the check did, once it had the lock: the wait is not counted as part of the check.
        var startedAt = DateTimeOffset.Parse((string)report["startedAt"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(startedAt >= released.AddMilliseconds(-1), $"started {startedAt:O}, the other check let go at {released:O}");
        Assert.Equal(4L, (await CheckpointAsync(customer.WalletId)).Sequence);
    }

    [Fact]
    public async Task Parallel_on_demand_checks_run_one_at_a_time_each_answering_its_report_or_a_409()
    {
        await CustomerWithPaymentsAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Client().PostAsync(ChecksUrl, null)));

        var created = 0;
        foreach (var response in responses)
        {
            if (response.StatusCode == HttpStatusCode.Created)
            {
                AssertNoIssues(await ReadJson(response));
                created++;
            }
            else
                await AssertProblem(response, HttpStatusCode.Conflict, "integrity_check_running");
        }
        Assert.True(created >= 1, "No check ran at all");
        Assert.Equal(created, await Database.CountAsync("integrity_reports"));
        // Every one ran alone: two checks at once would write the same checkpoints from REPEATABLE READ snapshots, and
        // one would fail with a serialization error (a 500 above).
        Assert.Equal(0L, await CheckLockRowsAsync());
    }

    [Fact]
    public async Task The_published_409_of_the_on_demand_check_names_its_retry_after_header()
    {
        var response = await Client(apiKey: null).GetAsync("/openapi/v1.json");
        await AssertStatus(response, HttpStatusCode.OK);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        var conflict = document["paths"]!["/api/v1/admin/integrity-checks"]!["post"]!["responses"]!["409"]!;
        Assert.NotNull(conflict["headers"]?["Retry-After"]);
        Assert.Contains("integrity_check_running", (string?)conflict["description"]);
        Assert.Equal("#/components/schemas/Problem", (string?)conflict["content"]?["application/problem+json"]?["schema"]?["$ref"]);
    }

    private async Task<(long Sequence, string? ReportId)> CheckpointAsync(Guid walletId) =>
        (await Database.ScalarAsync<long>("SELECT sequence FROM integrity_checkpoints WHERE wallet_id = $1", walletId),
         (await Database.ScalarAsync<Guid>("SELECT report_id FROM integrity_checkpoints WHERE wallet_id = $1", walletId)).ToString());

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Not so within {within.TotalSeconds} s.");
            await Task.Delay(20);
        }
    }
}
