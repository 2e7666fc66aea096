using System.Net;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Api.Tests.Operations;

namespace CleanWallet.Api.Tests.Input;

/// <summary>The dashboard's filters and forms reach the database too: a NUL there is a 400, not an error page.</summary>
public sealed class DashboardNulCharacterTests(TestDatabase database) : OperationsTestBase(database)
{
    [Fact]
    public async Task A_NUL_in_the_dashboards_trigger_form_is_a_400_and_triggers_nothing()
    {
        using var dashboard = Dashboard();
        Assert.Equal(HttpStatusCode.Redirect, (await dashboard.LoginAsync(ApiFactory.AdminKey)).StatusCode);
        var runs = await Database.CountAsync("job_runs");

        var response = await dashboard.PostFormAsync("/ops", "/ops?handler=Trigger", [new("job", "integrity\0")]);

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "malformed_request");
        Assert.NotNull(problem["errors"]!["form"]);
        Assert.Equal(runs, await Database.CountAsync("job_runs"));
    }

    [Fact]
    public async Task A_NUL_in_the_dashboards_run_filter_is_a_400()
    {
        using var dashboard = Dashboard();
        Assert.Equal(HttpStatusCode.Redirect, (await dashboard.LoginAsync(ApiFactory.AdminKey)).StatusCode);

        var problem = await AssertProblem(await dashboard.GetAsync("/ops?job=integrity%00"), HttpStatusCode.BadRequest, "malformed_request");

        Assert.NotNull(problem["errors"]!["job"]);
    }
}
