using System.Net;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Api.Tests.Operations;

namespace CleanWallet.Api.Tests.Input;

/// <summary>The dashboard's filters and forms reach the database too: a NUL there is a 400, not an error page.</summary>
public sealed class DashboardNulCharacterTests(TestDatabase database) : OperationsTestBase(database)
{
    [Fact]
    public async Task A_NUL_in_the_dashboards_login_form_is_a_400_and_opens_no_session()
    {
        using var dashboard = Dashboard();

        var response = await dashboard.PostFormAsync("/ops/login", "/ops/login", [new("apiKey", ApiFactory.AdminKey + "\0")]);

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "malformed_request");
        Assert.NotNull(problem["errors"]!["form"]);
        Assert.Null(dashboard.SessionCookie);
    }
}
