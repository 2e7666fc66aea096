using System.Security.Claims;
using CleanWallet.Application.Operations.Queries.GetOperationsDashboard;
using MediatR;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CleanWallet.Api.Pages.Ops;

/// <summary>
/// The operations dashboard: what the jobs did for the business (billing runs, the latest integrity report, the hourly
/// billed amount). The jobs themselves (schedules, runs, servers, "Trigger now") are on Hangfire's dashboard at /hangfire.
/// </summary>
public sealed class IndexModel(IMediator mediator) : PageModel
{
    public const int RefreshSeconds = 15;

    public OperationsDashboard Dashboard { get; private set; } = null!;
    public BilledChart Chart { get; private set; } = null!;

    public string SignedInAs => $"{User.Identity?.Name} ({User.FindFirstValue(ClaimTypes.Role)?.ToLowerInvariant()})";

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Dashboard = await mediator.Send(new GetOperationsDashboardQuery(), cancellationToken);
        Chart = new BilledChart(Dashboard.BilledPerHour);
    }
}
