using System.Text.Json.Nodes;
using CleanWallet.Application.Common;
using CleanWallet.Application.Operations;
using CleanWallet.Domain.Holds;
using CleanWallet.Domain.Orders;
using CleanWallet.Domain.Payments;
using CleanWallet.Domain.VirtualMachines;
using CleanWallet.Domain.Wallets;
using Microsoft.OpenApi;

namespace CleanWallet.Api.OpenApi;

/// <summary>The bounds and enums of query parameters, as the list queries' validators check them (400 otherwise).</summary>
internal static class QueryParameterRules
{
    /// <summary>Status (or type) filters by operation: their values, matched case-insensitively.</summary>
    private static readonly Dictionary<(string Operation, string Parameter), string[]> Filters = new()
    {
        [("ListHolds", "status")] = Enum.GetNames<HoldStatus>(),
        [("ListOrders", "status")] = Enum.GetNames<OrderStatus>(),
        [("ListVms", "status")] = Enum.GetNames<VmStatus>(),
        [("ListPayments", "status")] = Enum.GetNames<PaymentStatus>(),
        [("ListWalletTransactions", "type")] = Enum.GetNames<LedgerEntryType>(),
        [("ListJobRuns", "status")] = Enum.GetNames<JobRunStatus>().Select(n => n.ToLowerInvariant()).ToArray(),
    };

    public static void Apply(string? operationId, OpenApiParameter parameter)
    {
        if (parameter.Schema is not OpenApiSchema schema)
            return;
        switch (parameter.Name)
        {
            case "page":
                schema.Minimum = "1";
                schema.Default = JsonValue.Create(1);
                parameter.Description = "The page, from 1.";
                break;
            case "pageSize":
                schema.Minimum = "1";
                schema.Maximum = Paging.MaxPageSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
                schema.Default = JsonValue.Create(Paging.DefaultPageSize);
                parameter.Description = $"Items per page, 1 to {Paging.MaxPageSize}.";
                break;
            case "after":
                schema.Minimum = "1";
                parameter.Description = "The nextCursor of the previous page (keyset paging).";
                break;
            case "from" or "to":
                parameter.Description = parameter.Name == "from" ? "From this instant (inclusive)." : "Up to this instant (exclusive); after from.";
                break;
        }
        if (operationId is not null && parameter.Name is { } name && Filters.TryGetValue((operationId, name), out var values))
        {
            schema.Enum = values.Select(v => (JsonNode)JsonValue.Create(v)!).ToList();
            parameter.Description = $"Only this {parameter.Name}.";
        }
    }
}
