using System.Text.Json;

namespace CleanWallet.Application.Common.Behaviours;

/// <summary>
/// How a command's response is stored with its idempotency key and read back for a replay: one set of options for every
/// writer of a stored response (the idempotency behaviour, and the card charge's second phase that replaces it).
/// </summary>
public static class IdempotencyJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
