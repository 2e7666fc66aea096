using System.Text.Json.Serialization;

namespace CleanWallet.Application.Common.Messaging;

/// <summary>
/// The answer of an idempotent command. <see cref="Replayed"/> is set on the stored answer of an earlier request with
/// the same key when it is given again (the API marks such a response with <c>Idempotent-Replayed: true</c>). It is
/// not part of the answer itself: not serialised, so neither stored with it nor in the response body.
/// </summary>
public abstract record IdempotentResponse
{
    [JsonIgnore]
    public bool Replayed { get; init; }
}
