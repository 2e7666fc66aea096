using CleanWallet.Application.Payments.Gateway;
using CleanWallet.Domain.Common;
using Npgsql;

namespace CleanWallet.Infrastructure.Payments;

/// <summary>
/// The card processor used when no real gateway is configured. Token rules: <c>tok_visa</c> (and any
/// <c>tok_ok_*</c>) is approved, <c>tok_declined</c> and anything else is declined. Like a real processor, it
/// answers a repeated idempotency key with the first answer instead of charging again, and answers a lookup of a charge
/// by its key. Refunds are always approved (the API has already checked the refundable amount), once per idempotency key.
/// What it did is kept in its own table (<c>simulated_card_operations</c>) through its own connection, outside any
/// command transaction, as a processor keeps its own books: lookups work after a restart and from every node.
/// </summary>
public sealed class SimulatedCardGateway(NpgsqlDataSource dataSource) : ICardGateway
{
    public async Task<CardChargeResult> ChargeAsync(CardChargeRequest request, CancellationToken ct)
    {
        var decided = Decide(request.CardToken);
        return await RecordOnceAsync("charge", request.IdempotencyKey, decided.Approved, decided.GatewayReference, decided.DeclineCode,
            request.Amount, request.Currency, ct);
    }

    public async Task<CardChargeResult?> FindChargeAsync(string idempotencyKey, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT approved, reference, decline_code, amount, currency FROM simulated_card_operations
            WHERE idempotency_key = $1 AND kind = 'charge'
            """);
        command.Parameters.AddWithValue(idempotencyKey);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public async Task<CardRefundResult> RefundAsync(CardRefundRequest request, CancellationToken ct)
    {
        var refund = await RecordOnceAsync("refund", request.IdempotencyKey, true, $"sim_rf_{Guid.NewGuid():N}", null,
            request.Amount, request.Currency, ct);
        return CardRefundResult.Approve(refund.GatewayReference!);
    }

    public static CardChargeResult Decide(string cardToken) =>
        cardToken == "tok_visa" || cardToken.StartsWith("tok_ok_", StringComparison.Ordinal)
            ? CardChargeResult.Approve($"sim_{Guid.NewGuid():N}")
            : CardChargeResult.Decline(ErrorCodes.CardDeclined);

    /// <summary>
    /// Records the operation under its key unless one is there already, and answers whichever is stored. Two statements:
    /// an insert racing another for the same key waits for it, and only a later statement's snapshot sees its row.
    /// </summary>
    private async Task<CardChargeResult> RecordOnceAsync(string kind, string key, bool approved, string? reference, string? declineCode,
        decimal amount, string currency, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO simulated_card_operations (idempotency_key, kind, approved, reference, decline_code, amount, currency)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (idempotency_key) DO NOTHING
            """, connection))
        {
            insert.Parameters.AddWithValue(key);
            insert.Parameters.AddWithValue(kind);
            insert.Parameters.AddWithValue(approved);
            insert.Parameters.AddWithValue((object?)reference ?? DBNull.Value);
            insert.Parameters.AddWithValue((object?)declineCode ?? DBNull.Value);
            insert.Parameters.AddWithValue(amount);
            insert.Parameters.AddWithValue(currency);
            await insert.ExecuteNonQueryAsync(ct);
        }

        await using var select = new NpgsqlCommand(
            "SELECT approved, reference, decline_code, amount, currency FROM simulated_card_operations WHERE idempotency_key = $1", connection);
        select.Parameters.AddWithValue(key);
        await using var reader = await select.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            throw new InvalidOperationException($"The simulated processor lost operation '{key}'.");
        return Read(reader);
    }

    private static CardChargeResult Read(NpgsqlDataReader reader) => new(
        reader.GetBoolean(0),
        reader.IsDBNull(1) ? null : reader.GetString(1),
        reader.IsDBNull(2) ? null : reader.GetString(2),
        reader.GetDecimal(3),
        reader.GetString(4));
}
