using CleanWallet.Application.Common;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using MediatR;

namespace CleanWallet.Application.Common.Behaviours;

/// <summary>
/// Runs inside the command's transaction. The key is claimed for (caller, key) with a hash of the request
/// and the response is stored with it, so the claim and the effect commit or vanish together:
/// same key and request → the stored response, marked <see cref="IdempotentResponse.Replayed"/>, and no new effect;
/// same key, other request → 422. A <see cref="IDatabaseOnlyCommand"/>'s key is looked up with its handler's first query
/// and written once, with the response, at commit (<see cref="IIdempotencyStore.ClaimWithNextStatement"/>); what the
/// handler did is kept only if the key was free.
/// </summary>
public sealed class IdempotencyBehaviour<TRequest, TResponse>(
    IIdempotencyStore store,
    ICallerContext caller,
    TimeProvider clock) : IPipelineBehavior<TRequest, TResponse>
    // Money-moving commands only: for any other request the container leaves this behaviour (and its store) out of the
    // pipeline altogether (see TransactionBehaviour).
    where TRequest : IIdempotentCommandMarker
{
    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        if (caller.IdempotencyKey is not { } key)
            return await next();

        var command = typeof(TRequest).Name;
        var requestHash = HashRequest(command, request);
        var now = clock.StorableNow();
        if (request is IDatabaseOnlyCommand)
        {
            // The key is looked up with the handler's first query (one round trip for both) and claimed at commit. Whatever
            // the handler did or threw, a key already taken by a committed request means the stored answer, and nothing of
            // this attempt is kept.
            var claim = store.ClaimWithNextStatement(caller.CallerId, key, requestHash, command, now);
            ExceptionDispatchInfo? failure = null;
            TResponse response = default!;
            try
            {
                response = await next();
            }
            catch (Exception ex)
            {
                failure = ExceptionDispatchInfo.Capture(ex);
            }

            IdempotencyClaim outcome;
            try
            {
                outcome = await claim.OutcomeAsync(failure is not null, cancellationToken);
            }
            catch when (failure is not null)
            {
                // The key's fate is unknowable now (the statement that carried the lookup failed, or the transaction did):
                // the handler's failure is the answer, and the transaction rolls back.
                failure.Throw();
                throw;
            }
            if (outcome is IdempotencyClaim.AlreadyCompleted done)
                return Replay(done, requestHash, key);
            failure?.Throw();
            claim.StoreResponse(JsonSerializer.Serialize(response, IdempotencyJson.Options));
            return response;
        }

        var claimed = await store.ClaimAsync(caller.CallerId, key, requestHash, command, now, cancellationToken);
        if (claimed is IdempotencyClaim.AlreadyCompleted completed)
            return Replay(completed, requestHash, key);
        var answer = await next();
        store.StoreResponse(caller.CallerId, key, requestHash, command, now, JsonSerializer.Serialize(answer, IdempotencyJson.Options));
        return answer;
    }

    /// <summary>The answer of the committed request that owns the key; the same key with another request is a 422.</summary>
    private static TResponse Replay(IdempotencyClaim.AlreadyCompleted done, string requestHash, string key)
    {
        if (!string.Equals(done.RequestHash, requestHash, StringComparison.Ordinal))
            throw new IdempotencyKeyReusedException();

        var stored = JsonSerializer.Deserialize<TResponse>(done.ResponseJson, IdempotencyJson.Options)
                     ?? throw new InvalidOperationException($"The stored response for idempotency key '{key}' is empty.");
        // The answer itself says it is a replay (every idempotent command's answer is an IdempotentResponse).
        return stored is IdempotentResponse answer ? (TResponse)(object)(answer with { Replayed = true }) : stored;
    }

    /// <summary>The command type and its every field: a different amount or wallet under the same key is a different request.</summary>
    private static string HashRequest(string command, TRequest request)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, request!.GetType(), IdempotencyJson.Options);
        var bytes = Encoding.UTF8.GetBytes(command + "\n").Concat(body).ToArray();
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}
