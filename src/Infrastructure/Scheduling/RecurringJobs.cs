using CleanWallet.Application.Billing.Commands.RunBilling;
using CleanWallet.Application.Holds.Commands.ExpireHolds;
using CleanWallet.Application.Housekeeping.Commands.RunHousekeeping;
using CleanWallet.Application.Integrity.Commands.RunScheduledIntegrityCheck;
using CleanWallet.Application.Orders.Commands.RecoverStuckOrders;
using CleanWallet.Application.Payments.Commands.ReconcileCardPayments;
using MediatR;

namespace CleanWallet.Infrastructure.Scheduling;

/// <summary>
/// Every recurring job of the service, in the order the jobs API lists them. Adding a job is one line here: name,
/// description, cron setting, the request to send.
/// </summary>
public static class RecurringJobs
{
    public static readonly RecurringJob Billing = RecurringJob.Send("billing",
        "Charges every running VM for each ended hour not yet billed (missed hours included) and suspends the VMs of overdrawn wallets.",
        options => options.BillingCron, context => new RunBillingCommand(context.NodeId),
        summary => summary.Status == BillingRunSummary.Failed ? $"Billing run {summary.RunId} failed: {string.Join(" | ", summary.Errors)}" : null);

    public static readonly RecurringJob Integrity = RecurringJob.Send("integrity",
        "Verifies every wallet's ledger and the payments, refunds, transfers, adjustments and usage behind it; read-only, reports issues.",
        options => options.IntegrityCron, _ => new RunScheduledIntegrityCheckCommand());

    public static readonly RecurringJob Housekeeping = RecurringJob.Send("housekeeping",
        "Expires old idempotency keys and closes runs of lost nodes.",
        options => options.HousekeepingCron, _ => new RunHousekeepingCommand());

    public static readonly RecurringJob CardReconciliation = RecurringJob.Send("card-reconciliation",
        "Asks the card processor about card payments still Pending after CardGateway:ReconcileAfterSeconds and records the outcome " +
        "(approved: Paid and credited once; declined or unknown to it: Failed; other amount: flagged).",
        options => options.CardReconciliationCron, _ => new ReconcileCardPaymentsCommand());

    public static readonly RecurringJob HoldExpiry = RecurringJob.Send("hold-expiry",
        "Releases Active holds past their expiry time that no order owns (Expired), Holds:ExpiryBatchSize at a time, each in its own " +
        "transaction under the hold's and its wallet's row lock.",
        options => options.HoldExpiryCron, _ => new ExpireHoldsCommand(),
        report => report.Errors > 0 ? $"{report.Errors} of {report.Found} expired hold(s) could not be released; the next run retries them." : null);

    public static readonly RecurringJob OrderRecovery = RecurringJob.Send("order-recovery",
        "Asks the fulfilment service again about orders still Fulfilling whose lease passed and records the answer (fulfilled: hold " +
        "captured, Completed; refused: hold voided, Failed; past the deadline without an answer: voided, Failed, needs attention).",
        options => options.OrderRecoveryCron, _ => new RecoverStuckOrdersCommand(),
        report => report.Errors > 0 ? $"{report.Errors} of {report.Found} order(s) could not be recovered; they stay Fulfilling for the next run." : null);

    public static IReadOnlyList<RecurringJob> All { get; } = [Billing, Integrity, Housekeeping, CardReconciliation, HoldExpiry, OrderRecovery];

    public static RecurringJob? Find(string name) =>
        All.FirstOrDefault(job => string.Equals(job.Name, name, StringComparison.OrdinalIgnoreCase));
}
