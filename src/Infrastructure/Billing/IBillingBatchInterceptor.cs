using CleanWallet.Application.Billing;

namespace CleanWallet.Infrastructure.Billing;

/// <summary>
/// Sees every billing batch inside its transaction, after its statements ran and before it commits; throwing rolls the
/// batch back. None is registered in production: tests register one to crash a run half-way.
/// </summary>
public interface IBillingBatchInterceptor
{
    Task BeforeCommitAsync(BillingBatch batch, BillingBatchResult result, CancellationToken cancellationToken);
}
