using Microsoft.OpenApi;

namespace CleanWallet.Api.OpenApi;

/// <summary>
/// Which validator checks a request body: the validators of the command the endpoint turns it into (a missing field
/// becomes the command's default: 0, <see cref="Guid.Empty"/>, an empty string or null), or, for the lines of a list,
/// the rules one of those validators gives to each item of a collection (<see cref="EachItemOf"/>).
/// </summary>
/// <param name="Validated">The command type whose <c>IValidator&lt;T&gt;</c>s are read.</param>
/// <param name="EachItemOf">For an item type: the command's collection (its JSON name) whose per-item rules check it.</param>
/// <param name="NotFromBody">Members of the command with rules that are not fields of this body (route ids, the caller's scope).</param>
internal sealed record RequestValidation(Type Validated, string? EachItemOf, IReadOnlyList<string> NotFromBody)
{
    public static RequestValidation By<TCommand>(params string[] notFromBody) => new(typeof(TCommand), null, notFromBody);

    public static RequestValidation ByEachItemOf<TCommand>(string collection) => new(typeof(TCommand), collection, []);
}

/// <summary>
/// A validator rule the descriptor cannot read (a <c>Must</c> predicate, a comparison with another field), said in
/// schema words by hand. <see cref="Source"/> names the single place the rule lives; the contract tests check that every
/// such rule of a validator is listed here once (no silent drops, no stale entries) and that <see cref="RejectsMissing"/>
/// is what the API does.
/// </summary>
/// <param name="Source">The code the predicate calls (e.g. <c>Money.HasAtMostTwoDecimals</c>), or what it compares.</param>
/// <param name="Schema">What the rule says in the schema; null when a schema cannot say it (the field's description then
/// carries the validator's own message).</param>
/// <param name="RejectsMissing">The predicate fails on the value a missing field becomes, so the field is required (when
/// the rule has no condition, or <paramref name="AlwaysAppliesBecause"/> says why its condition always holds for this body).</param>
/// <param name="AlwaysAppliesBecause">Why the rule's condition always holds for this request body.</param>
internal sealed record DescribedRule(
    string Source,
    Action<OpenApiSchema, IServiceProvider>? Schema = null,
    bool RejectsMissing = false,
    string? AlwaysAppliesBecause = null);
