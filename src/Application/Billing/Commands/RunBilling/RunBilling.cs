using System.Diagnostics;
using CleanWallet.Application.Common;
using CleanWallet.Application.Vms;
using MediatR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanWallet.Application.Billing.Commands.RunBilling;

/// <summary>
/// What one billing run did. <see cref="Status"/> is Failed when any batch failed (it was rolled back alone; the next
/// run bills its VMs); <see cref="Errors"/> says which and why.
/// </summary>
public sealed record BillingRunSummary(
    Guid RunId,
    DateTimeOffset BilledUpTo,
    string Status,
    int VmsBilled,
    long HoursBilled,
    decimal AmountBilled,
    int VmsSuspended,
    int Batches,
    long DurationMs,
    IReadOnlyList<string> Errors)
{
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";
}

/// <summary>
/// The hourly billing run: every running VM is charged, in arrears, for each clock hour that has ended since its
/// billed-through instant, missed hours included, the first at the largest size the VM had in it; a VM stopped or
/// suspended during its unbilled hour is charged for that hour at its largest size. Not one transaction: each batch commits on its own, so a crash
/// half-way keeps what was billed and the next run bills the rest. <see cref="NodeId"/> names who runs it (the scheduler
/// node's id when a Hangfire server does; <c>direct:&lt;machine&gt;</c> otherwise).
/// </summary>
public sealed record RunBillingCommand(string? NodeId = null) : IRequest<BillingRunSummary>;

public sealed class RunBillingHandler(
    IUsageBillingEngine engine,
    VmCatalog catalog,
    IOptions<BillingOptions> options,
    TimeProvider clock,
    ILogger<RunBillingHandler> logger) : IRequestHandler<RunBillingCommand, BillingRunSummary>
{
    /// <summary>The summary and the run row keep this many error lines; a run failing everywhere says so in the last.</summary>
    private const int MaxErrorsKept = 20;
    private const int MaxUnpricedIdsListed = 5;

    public async Task<BillingRunSummary> Handle(RunBillingCommand command, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var settings = options.Value;
        var batchSize = Math.Max(1, settings.BatchSize);
        var maxConsecutiveFailures = Math.Max(1, settings.MaxConsecutiveFailedBatches);

        var now = clock.StorableNow();
        var billedUpTo = FloorToHour(now);
        var runId = Guid.CreateVersion7(now);
        var nodeId = string.IsNullOrWhiteSpace(command.NodeId) ? $"direct:{Environment.MachineName}" : command.NodeId;
        var prices = BillingPriceList.Cached(catalog.Sizes.Select(size => size.Name), catalog.Prices, catalog.HoursPerMonth);

        // One round trip records the run and finds the first batch; a batch that finds fewer VMs than it holds is the last
        // (no look for a next one). An hourly run over a small fleet is then: start, lock, charge, commit, finish.
        var next = await engine.StartRunAsync(runId, billedUpTo, nodeId, now, batchSize, cancellationToken);

        var totals = new Totals();
        var errors = new List<string>();
        var failedBatches = 0;
        try
        {
            Guid? after = null;
            var number = 0;
            var consecutiveFailures = 0;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (number > 0)
                    next = next is { IsLast: true } ? null : await engine.FindBatchEndAsync(billedUpTo, after, batchSize, cancellationToken);
                if (next is null)
                    break;
                var through = next.ThroughVmId;

                number++;
                try
                {
                    var result = await engine.BillBatchAsync(
                        new BillingBatch(runId, number, billedUpTo, after, through, prices), cancellationToken);
                    totals.Add(result);
                    consecutiveFailures = 0;
                    if (result.UnpricedVmIds.Count > 0)
                        AddError(errors, DescribeUnpriced(number, result.UnpricedVmIds));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The batch rolled back alone: its VMs keep their billed-through and the next run bills them.
                    failedBatches++;
                    consecutiveFailures++;
                    logger.LogError(ex, "Billing run {RunId}: batch {Batch} (VMs after {After} through {Through}) failed and was rolled back",
                        runId, number, after, through);
                    AddError(errors, $"Batch {number} (VMs after {after?.ToString() ?? "the first"} through {through}) failed and was rolled back: " +
                                     ex.GetBaseException().Message);
                    if (consecutiveFailures >= maxConsecutiveFailures)
                    {
                        AddError(errors, $"Stopped after {consecutiveFailures} failed batches in a row; the next run bills what is left.", force: true);
                        break;
                    }
                }
                after = through;
            }
        }
        catch (OperationCanceledException)
        {
            await FinishQuietlyAsync(runId, "The run was cancelled; the next run bills what is left.");
            throw;
        }
        catch (Exception ex)
        {
            // Finding the next batch failed (the database is unreachable, most likely): what was committed stays billed.
            logger.LogError(ex, "Billing run {RunId} stopped", runId);
            AddError(errors, $"The run stopped: {ex.GetBaseException().Message}", force: true);
        }

        var succeeded = errors.Count == 0;
        await engine.FinishRunAsync(runId, succeeded, clock.StorableNow(), succeeded ? null : string.Join(Environment.NewLine, errors),
            CancellationToken.None);

        var summary = new BillingRunSummary(runId, billedUpTo, succeeded ? BillingRunSummary.Succeeded : BillingRunSummary.Failed,
            totals.VmsBilled, totals.HoursBilled, totals.AmountBilled, totals.VmsSuspended, totals.Batches,
            (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, errors);
        if (succeeded)
            logger.LogInformation(
                "Billing run {RunId} up to {BilledUpTo:u}: {VmsBilled} VMs, {HoursBilled} hours, {AmountBilled} billed, {VmsSuspended} suspended, {Batches} batches in {DurationMs} ms",
                runId, billedUpTo, summary.VmsBilled, summary.HoursBilled, summary.AmountBilled, summary.VmsSuspended, summary.Batches, summary.DurationMs);
        else
            logger.LogError("Billing run {RunId} up to {BilledUpTo:u} failed ({FailedBatches} failed batches): {Errors}",
                runId, billedUpTo, failedBatches, string.Join(" | ", errors));
        return summary;
    }

    /// <summary>The hours that have ended: every hour [h, h+1) with h+1 at or before this instant is billed.</summary>
    public static DateTimeOffset FloorToHour(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % TimeSpan.TicksPerHour, TimeSpan.Zero);
    }

    private static string DescribeUnpriced(int batch, IReadOnlyList<Guid> vmIds)
    {
        var listed = string.Join(", ", vmIds.Take(MaxUnpricedIdsListed));
        var more = vmIds.Count > MaxUnpricedIdsListed ? $" and {vmIds.Count - MaxUnpricedIdsListed} more" : string.Empty;
        return $"Batch {batch}: {vmIds.Count} running VM(s) have a size the catalogue does not price and were not billed: {listed}{more}.";
    }

    private static void AddError(List<string> errors, string error, bool force = false)
    {
        if (errors.Count < MaxErrorsKept || force)
            errors.Add(error);
    }

    private async Task FinishQuietlyAsync(Guid runId, string error)
    {
        try
        {
            await engine.FinishRunAsync(runId, false, clock.StorableNow(), error, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The cancellation is what the caller must see; housekeeping closes a run left Running by a lost node.
            logger.LogWarning(ex, "Could not record the end of cancelled billing run {RunId}", runId);
        }
    }

    private sealed class Totals
    {
        public int Batches { get; private set; }
        public int VmsBilled { get; private set; }
        public long HoursBilled { get; private set; }
        public decimal AmountBilled { get; private set; }
        public int VmsSuspended { get; private set; }

        public void Add(BillingBatchResult result)
        {
            if (result.VmsLocked == 0)
                return;
            Batches++;
            VmsBilled += result.VmsBilled;
            HoursBilled += result.HoursBilled;
            AmountBilled += result.AmountBilled;
            VmsSuspended += result.VmsSuspended;
        }
    }
}
