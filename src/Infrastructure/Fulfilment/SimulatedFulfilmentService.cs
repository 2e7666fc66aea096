using System.Collections.Concurrent;
using CleanWallet.Application.Orders.Fulfilment;

namespace CleanWallet.Infrastructure.Fulfilment;

/// <summary>
/// The fulfilment service used when none is configured: it fulfils every order except one whose description
/// contains <c>[fail]</c>, which it refuses. Like a real service, it answers a repeated idempotency key with the
/// first answer instead of fulfilling again.
/// </summary>
public sealed class SimulatedFulfilmentService : IFulfilmentService
{
    public const string FailMarker = "[fail]";
    public const string SimulatedFailure = "The simulated fulfilment service refused the order.";

    private readonly ConcurrentDictionary<string, FulfilmentResult> _answers = new(StringComparer.Ordinal);

    public Task<FulfilmentResult> FulfilAsync(FulfilmentRequest request, CancellationToken ct) =>
        Task.FromResult(_answers.GetOrAdd(request.IdempotencyKey, _ =>
            request.Description.Contains(FailMarker, StringComparison.OrdinalIgnoreCase)
                ? FulfilmentResult.Failure(SimulatedFailure, attempts: 1)
                : FulfilmentResult.Success($"sim_ful_{Guid.NewGuid():N}", attempts: 1)));
}
