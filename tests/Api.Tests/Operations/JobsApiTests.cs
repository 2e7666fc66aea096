using System.Net;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Infrastructure.Scheduling;

namespace CleanWallet.Api.Tests.Operations;

/// <summary>The jobs API with the scheduler built but not started: listing, access rules, the run history.</summary>
public sealed class JobsApiTests(TestDatabase database) : OperationsTestBase(database)
{
    public static TheoryData<string, string> Endpoints => new()
    {
        { "GET", Jobs },
        { "GET", Jobs + "/runs" },
        { "GET", Jobs + "/nodes" },
        { "POST", Jobs + "/housekeeping/trigger" },
    };

    /// <summary>Triggering with an ops key is tested where the scheduler runs: a trigger queued here would fire in a later test.</summary>
    public static TheoryData<string> ReadEndpoints => [Jobs, Jobs + "/runs", Jobs + "/nodes"];

    [Fact]
    public async Task The_list_shows_every_registered_recurring_job_with_its_schedule_and_next_fire_time()
    {
        var response = await AdminClient().GetAsync(Jobs);

        await AssertStatus(response, HttpStatusCode.OK);
        var jobs = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        Assert.Equal(RecurringJobs.All.Select(j => j.Name), jobs.Select(j => (string)j!["name"]!));
        Assert.Contains("billing", jobs.Select(j => (string)j!["name"]!));
        Assert.Contains("integrity", jobs.Select(j => (string)j!["name"]!));
        Assert.Contains("housekeeping", jobs.Select(j => (string)j!["name"]!));
        var options = new SchedulingOptions();
        foreach (var job in jobs.Select(j => j!.AsObject()))
        {
            var registered = RecurringJobs.Find((string)job["name"]!)!;
            Assert.Equal(registered.Description, (string?)job["description"]);
            Assert.Equal(registered.Cron(options), (string?)job["schedule"]);
            Assert.False(string.IsNullOrEmpty((string?)job["state"]));
            var next = DateTimeOffset.Parse((string)job["nextFireAt"]!);
            // The scheduler is off in tests, so nobody moves a stored next fire time on once it passes: it is the one
            // computed when the job was registered, by this test run (its throwaway database starts with it) and at
            // most one period (an hour) ahead of then.
            var runStarted = Database.IsThrowaway
                ? new DateTimeOffset(System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime())
                : DateTimeOffset.MinValue;
            Assert.True(next > runStarted.AddMinutes(-1) && next <= DateTimeOffset.UtcNow.AddHours(1).AddMinutes(1),
                $"{job["name"]} next fires at {next}; the test run started at {runStarted}");
        }
    }

    [Theory]
    [MemberData(nameof(ReadEndpoints))]
    public async Task An_ops_key_may_read_the_jobs_runs_and_nodes(string path)
    {
        var ops = await CreateStaffKeyAsync("ops");

        await AssertStatus(await Client(ops.Key).GetAsync(path), HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task A_customer_key_is_forbidden_and_no_key_is_unauthorized(string method, string path)
    {
        var customer = await CreateCustomerAsync();

        var forbidden = await Client(customer.ApiKey).SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await AssertProblem(forbidden, HttpStatusCode.Forbidden, "forbidden");

        var anonymous = await Client(apiKey: null).SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await AssertProblem(anonymous, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task A_revoked_ops_key_is_unauthorized()
    {
        var ops = await CreateStaffKeyAsync("ops");
        await AssertStatus(await AdminClient().DeleteAsync($"/api/v1/admin/api-keys/{ops.Id}"), HttpStatusCode.NoContent);

        await AssertProblem(await Client(ops.Key).GetAsync(Jobs), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [InlineData("nightly-report")]
    [InlineData("housekeeping.schedule")]
    public async Task Triggering_an_unknown_job_is_404_not_found(string name)
    {
        var response = await AdminClient().PostAsync($"{Jobs}/{name}/trigger", null);

        var problem = await AssertProblem(response, HttpStatusCode.NotFound, "not_found");
        Assert.Contains(name, (string?)problem["detail"]);
    }

    [Fact]
    public async Task The_run_history_is_newest_first_with_duration_summary_and_error()
    {
        await SeedOperationsDataAsync();

        var response = await AdminClient().GetAsync(Jobs + "/runs");

        await AssertStatus(response, HttpStatusCode.OK);
        var page = await ReadJson(response);
        Assert.Equal(4, (int)page["totalCount"]!);
        Assert.Equal(1, (int)page["page"]!);
        Assert.Equal(20, (int)page["pageSize"]!);
        var runs = page["items"]!.AsArray().Select(r => r!.AsObject()).ToList();
        Assert.Equal(["housekeeping", "integrity", "integrity", "billing"], runs.Select(r => (string)r["jobName"]!));
        Assert.Equal(["Running", "Succeeded", "Failed", "Succeeded"], runs.Select(r => (string)r["status"]!));

        var billing = runs[3];
        Assert.Equal("node-a", (string?)billing["nodeId"]);
        Assert.Equal("billing.schedule", (string?)billing["triggerName"]);
        Assert.Equal(1500L, (long)billing["durationMilliseconds"]!);
        Assert.Equal(3, (int)billing["summary"]!["vmsBilled"]!);
        Assert.Equal(12.5m, (decimal)billing["summary"]!["amountBilled"]!);
        Assert.Null(billing["error"]);

        var failed = runs[2];
        Assert.Equal("NpgsqlException: boom <script>alert(1)</script>", (string?)failed["error"]);
        Assert.Null(failed["summary"]);

        // A running job reports how long it has been running so far, and no end.
        var running = runs[0];
        Assert.Null(running["finishedAt"]);
        Assert.InRange((long)running["durationMilliseconds"]!, 55_000L, 600_000L);
    }

    [Fact]
    public async Task The_run_history_filters_by_status_and_job_and_pages()
    {
        await SeedOperationsDataAsync();
        var ops = await CreateStaffKeyAsync("ops");

        async Task<List<JsonObject>> Runs(string query)
        {
            var response = await Client(ops.Key).GetAsync($"{Jobs}/runs?{query}");
            await AssertStatus(response, HttpStatusCode.OK);
            return (await ReadJson(response))["items"]!.AsArray().Select(r => r!.AsObject()).ToList();
        }

        Assert.Equal(["integrity"], (await Runs("status=failed")).Select(r => (string)r["jobName"]!));
        Assert.Equal(["integrity", "billing"], (await Runs("status=Succeeded")).Select(r => (string)r["jobName"]!));
        Assert.Equal(["housekeeping"], (await Runs("status=RUNNING")).Select(r => (string)r["jobName"]!));
        Assert.Equal(["Succeeded", "Failed"], (await Runs("job=integrity")).Select(r => (string)r["status"]!));
        Assert.Equal(["Failed"], (await Runs("job=integrity&status=failed")).Select(r => (string)r["status"]!));
        Assert.Empty(await Runs("job=nightly-report"));

        var second = await Client(ops.Key).GetAsync($"{Jobs}/runs?page=2&pageSize=3");
        await AssertStatus(second, HttpStatusCode.OK);
        var body = await ReadJson(second);
        Assert.Equal(4, (int)body["totalCount"]!);
        Assert.Equal(["billing"], body["items"]!.AsArray().Select(r => (string)r!["jobName"]!));
    }

    [Theory]
    [InlineData("status=done", "status")]
    [InlineData("status=1", "status")]
    [InlineData("page=0", "page")]
    [InlineData("pageSize=101", "pageSize")]
    public async Task Bad_run_filters_are_400_validation_failed(string query, string field)
    {
        var response = await AdminClient().GetAsync($"{Jobs}/runs?{query}");

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task A_too_long_job_name_is_400()
    {
        var name = new string('j', 101);
        await AssertProblem(await AdminClient().PostAsync($"{Jobs}/{name}/trigger", null), HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await AdminClient().GetAsync($"{Jobs}/runs?job={name}"), HttpStatusCode.BadRequest, "validation_failed");
    }
}
