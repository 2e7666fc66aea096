using System.Text.Json;
using System.Text.Json.Serialization;

namespace CleanWallet.LoadTest;

// ---- API contract (request and response bodies, camelCase) ----

internal sealed record CreateCustomerRequest(string Name, string BillingModel);

internal sealed class CustomerCreatedResponse
{
    [JsonRequired] public Guid CustomerId { get; init; }
    [JsonRequired] public Guid WalletId { get; init; }
    [JsonRequired] public string ApiKey { get; init; } = string.Empty;
}

internal sealed record TopUpRequest(decimal Amount, string CardToken);

internal sealed record PaymentRequest(decimal Amount, string Description);

internal sealed class WalletResponse
{
    public Guid Id { get; init; }
    public Guid CustomerId { get; init; }
    public string? Currency { get; init; }
    [JsonRequired] public decimal Balance { get; init; }
    public decimal? Available { get; init; }
    public decimal? CreditLimit { get; init; }
    public string? Status { get; init; }
}

// ---- Figures written by --json ----

internal sealed record RunReport(
    string Tool,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string Url,
    RunSettings Settings,
    IReadOnlyList<ScenarioReport> Scenarios,
    bool AllOk);

internal sealed record RunSettings(
    string Scenario,
    int Wallets,
    int Requests,
    int Concurrency,
    double DurationLimitSeconds,
    decimal Amount,
    int Warmup,
    double RequestTimeoutSeconds,
    int ProcessorCount);

internal sealed record ScenarioReport(
    string Scenario,
    int Wallets,
    int RequestsPlanned,
    long Requests,
    long Successes,
    IReadOnlyDictionary<string, long> ErrorsByStatus,
    IReadOnlyDictionary<string, long> ErrorCodes,
    IReadOnlyDictionary<string, long> NoResponse,
    double SetupSeconds,
    double ElapsedSeconds,
    double PaymentsPerSecond,
    double RequestsPerSecond,
    LatencyReport LatencyMs,
    bool StoppedEarly,
    string? StopReason,
    MoneyCheckReport? MoneyCheck,
    bool Ok,
    string? Error);

internal sealed record LatencyReport(long Samples, double Mean, double P50, double P90, double P99, double Max);

internal sealed record MoneyCheckReport(
    bool Ok,
    int WalletsChecked,
    decimal ToppedUp,
    decimal BalanceBeforePayments,
    decimal BalanceAfter,
    long WarmupSuccesses,
    decimal SpentDuringRun,
    decimal ExpectedSpent,
    decimal ToppedUpMinusBalance,
    decimal ExpectedToppedUpMinusBalance,
    string? Note);

[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(CreateCustomerRequest))]
[JsonSerializable(typeof(CustomerCreatedResponse))]
[JsonSerializable(typeof(TopUpRequest))]
[JsonSerializable(typeof(PaymentRequest))]
[JsonSerializable(typeof(WalletResponse))]
[JsonSerializable(typeof(RunReport))]
internal sealed partial class LoadTestJson : JsonSerializerContext;
