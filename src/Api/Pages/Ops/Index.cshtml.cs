using System.Security.Claims;
using CleanWallet.Api.Security;
using CleanWallet.Application.Operations.Commands.TriggerJob;
using CleanWallet.Application.Operations.Queries.GetOperationsDashboard;
using CleanWallet.Application.Operations.Queries.ListJobRuns;
using CleanWallet.Domain.Common;
using FluentValidation;
using MediatR;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CleanWallet.Api.Pages.Ops;

/// <summary>The operations dashboard: jobs, runs, billing runs, nodes, the latest integrity report and the hourly billed amount.</summary>
public sealed class IndexModel(IMediator mediator) : PageModel
{
    public const int RunsPageSize = 25;
    public const int RefreshSeconds = 15;
    private const int MaxRunsPage = 10_000;

    public OperationsDashboard Dashboard { get; private set; } = null!;
    public BilledChart Chart { get; private set; } = null!;

    /// <summary>The run state shown ("running", "succeeded", "failed"), or null for all.</summary>
    public string? Status { get; private set; }
    public string? Job { get; private set; }
    public int RunsPage { get; private set; } = 1;

    [TempData]
    public string? Flash { get; set; }

    [TempData]
    public bool FlashIsError { get; set; }

    public string SignedInAs => $"{User.Identity?.Name} ({User.FindFirstValue(ClaimTypes.Role)?.ToLowerInvariant()})";

    public async Task OnGetAsync(string? status, string? job, int? runsPage, CancellationToken cancellationToken)
    {
        // Filters come from links on this page; anything odd falls back to "all" instead of an error page.
        Status = JobRunFilter.IsValidStatus(status) && !string.IsNullOrWhiteSpace(status) ? status.Trim().ToLowerInvariant() : null;
        Job = JobRunFilter.NormaliseJob(job) is { Length: <= JobRunFilter.MaxJobNameLength } name ? name : null;
        RunsPage = runsPage is >= 1 and <= MaxRunsPage ? runsPage.Value : 1;

        Dashboard = await mediator.Send(new GetOperationsDashboardQuery(RunsPage, RunsPageSize, Status, Job), cancellationToken);
        Chart = new BilledChart(Dashboard.BilledPerHour);
    }

    public async Task<IActionResult> OnPostTriggerAsync([FromForm(Name = "job")] string? job, CancellationToken cancellationToken)
    {
        try
        {
            var triggered = await mediator.Send(new TriggerJobCommand(job ?? string.Empty), cancellationToken);
            Flash = $"Job '{triggered.Job}' was triggered at {OpsFormat.Time(triggered.TriggeredAt)}; its run appears below once a node picks it up.";
            FlashIsError = false;
        }
        catch (DomainException refused)
        {
            Flash = refused.Message;
            FlashIsError = true;
        }
        catch (ValidationException)
        {
            Flash = "Choose a job to trigger.";
            FlashIsError = true;
        }
        return Redirect(OpsCookie.BasePath);
    }

    /// <summary>A link to this page with the run filters changed (null keeps none of that filter).</summary>
    public string RunsLink(string? status, string? job, int runsPage = 1)
    {
        var query = new List<string>();
        if (status is not null)
            query.Add("status=" + Uri.EscapeDataString(status));
        if (job is not null)
            query.Add("job=" + Uri.EscapeDataString(job));
        if (runsPage > 1)
            query.Add("runsPage=" + runsPage);
        return query.Count == 0 ? OpsCookie.BasePath : OpsCookie.BasePath + "?" + string.Join("&", query);
    }

    public int LastRunsPage => Math.Max(1, (int)Math.Ceiling(Dashboard.Runs.TotalCount / (double)RunsPageSize));
}
