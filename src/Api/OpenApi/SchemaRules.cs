using System.Text.Json.Nodes;
using CleanWallet.Api.Endpoints;
using CleanWallet.Api.Endpoints.Administration;
using CleanWallet.Api.Endpoints.ApiKeys;
using CleanWallet.Api.Endpoints.Customers;
using CleanWallet.Api.Endpoints.Holds;
using CleanWallet.Api.Endpoints.Orders;
using CleanWallet.Api.Endpoints.Payments;
using CleanWallet.Api.Endpoints.Transfers;
using CleanWallet.Api.Endpoints.Vms;
using CleanWallet.Api.Endpoints.Wallets;
using CleanWallet.Application.Administration;
using CleanWallet.Application.ApiKeys;
using CleanWallet.Application.Customers;
using CleanWallet.Application.Holds;
using CleanWallet.Application.Me.Queries.GetMe;
using CleanWallet.Application.Operations;
using CleanWallet.Application.Orders;
using CleanWallet.Application.Orders.Commands.CreateOrder;
using CleanWallet.Application.Payments;
using CleanWallet.Application.Payments.Commands.RefundPayment;
using CleanWallet.Application.Transfers;
using CleanWallet.Application.Vms;
using CleanWallet.Application.Vms.Queries.ListVmSizes;
using CleanWallet.Application.Wallets;
using CleanWallet.Domain.Access;
using CleanWallet.Domain.Adjustments;
using CleanWallet.Domain.Customers;
using CleanWallet.Domain.Holds;
using CleanWallet.Domain.Orders;
using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Transfers;
using CleanWallet.Domain.VirtualMachines;
using CleanWallet.Domain.Wallets;
using Microsoft.OpenApi;
using static CleanWallet.Api.OpenApi.SchemaRule;

namespace CleanWallet.Api.OpenApi;

/// <summary>
/// What the validators and aggregates enforce, said in the schemas: which request fields are required, the enums,
/// lengths, bounds and patterns of fields, and an example of every request body. Keyed by the JSON name of a field of
/// a type; a rule here that the code does not enforce is a lie, so each one names the constant it mirrors.
/// </summary>
internal static class SchemaRules
{
    /// <summary>Every request body, with the fields its validator requires (the others may be left out or null).</summary>
    public static readonly Dictionary<Type, string[]> RequiredRequestFields = new()
    {
        [typeof(CustomersEndpoints.CreateCustomerRequest)] = ["name", "billingModel"],
        [typeof(CustomersEndpoints.OpenWalletRequest)] = ["currency"],
        [typeof(WalletsEndpoints.TopUpRequest)] = ["amount", "cardToken"],
        [typeof(WalletsEndpoints.WalletPaymentRequest)] = ["amount", "description"],
        [typeof(PaymentsEndpoints.CardPaymentRequest)] = ["amount", "currency", "cardToken", "description"],
        [typeof(RefundsEndpoints.RefundRequest)] = ["reason"],
        [typeof(HoldsEndpoints.PlaceHoldRequest)] = ["amount", "description"],
        [typeof(HoldsEndpoints.CaptureHoldRequest)] = [],
        [typeof(OrdersEndpoints.OrderRequest)] = ["walletId", "amount", "description"],
        [typeof(OrderItemInput)] = ["sku", "quantity", "unitPrice"],
        [typeof(OrdersEndpoints.CancelRequest)] = [],
        [typeof(OrdersEndpoints.ReturnRequest)] = ["reason"],
        [typeof(TransfersEndpoints.TransferRequest)] = ["fromWalletId", "toWalletId", "amount", "description"],
        [typeof(VmsEndpoints.VmRequest)] = ["walletId", "name", "size"],
        [typeof(VmsEndpoints.ResizeRequest)] = ["size"],
        [typeof(ApiKeysEndpoints.CreateApiKeyRequest)] = ["name", "role"],
        [typeof(ApiKeysEndpoints.CreateCustomerApiKeyRequest)] = ["name"],
        [typeof(AdministrationEndpoints.AdjustmentRequest)] = ["direction", "amount", "reason"],
        [typeof(AdministrationEndpoints.WalletStatusChangeRequest)] = [],
    };

    /// <summary>Money fields with more than two decimals: the informational hourly price (monthly price / hours per month).</summary>
    public static readonly HashSet<(Type, string)> FourDecimalFields = [(typeof(VmSizeDto), "hourlyPrice")];

    private static readonly Action<OpenApiSchema, IServiceProvider> Positive = AtLeast(0m, exclusive: true);
    private static readonly Action<OpenApiSchema, IServiceProvider> NotNegative = AtLeast(0m);
    private static readonly Action<OpenApiSchema, IServiceProvider> VmSizes =
        Values(services => services.GetRequiredService<VmCatalog>().Sizes.Select(s => s.Name));

    public static readonly Dictionary<(Type, string), Action<OpenApiSchema, IServiceProvider>> Fields = new()
    {
        // Requests
        [(typeof(CustomersEndpoints.CreateCustomerRequest), "name")] = Text(Customer.MaxNameLength, 1),
        [(typeof(CustomersEndpoints.CreateCustomerRequest), "billingModel")] = OneOf<BillingModel>(),
        [(typeof(CustomersEndpoints.CreateCustomerRequest), "creditLimit")] = NotNegative,
        [(typeof(CustomersEndpoints.CreateCustomerRequest), "currency")] = Currency,
        [(typeof(CustomersEndpoints.OpenWalletRequest), "currency")] = Currency,
        [(typeof(WalletsEndpoints.TopUpRequest), "amount")] = Positive,
        [(typeof(WalletsEndpoints.TopUpRequest), "cardToken")] = Text(200, 1),
        [(typeof(WalletsEndpoints.WalletPaymentRequest), "amount")] = Positive,
        [(typeof(WalletsEndpoints.WalletPaymentRequest), "description")] = Text(PaymentRecord.MaxDescriptionLength, 1),
        [(typeof(WalletsEndpoints.WalletPaymentRequest), "reference")] = Text(PaymentRecord.MaxReferenceLength),
        [(typeof(PaymentsEndpoints.CardPaymentRequest), "amount")] = Positive,
        [(typeof(PaymentsEndpoints.CardPaymentRequest), "currency")] = Currency,
        [(typeof(PaymentsEndpoints.CardPaymentRequest), "cardToken")] = Text(200, 1),
        [(typeof(PaymentsEndpoints.CardPaymentRequest), "description")] = Text(PaymentRecord.MaxDescriptionLength, 1),
        [(typeof(RefundsEndpoints.RefundRequest), "amount")] = Positive,
        [(typeof(RefundsEndpoints.RefundRequest), "reason")] = Text(Refund.MaxReasonLength, 1),
        [(typeof(HoldsEndpoints.PlaceHoldRequest), "amount")] = Positive,
        [(typeof(HoldsEndpoints.PlaceHoldRequest), "description")] = Text(Hold.MaxDescriptionLength, 1),
        [(typeof(HoldsEndpoints.PlaceHoldRequest), "reference")] = Text(Hold.MaxReferenceLength),
        [(typeof(HoldsEndpoints.PlaceHoldRequest), "expiresInSeconds")] = AtLeast(1m),
        [(typeof(HoldsEndpoints.CaptureHoldRequest), "amount")] = Positive,
        [(typeof(OrdersEndpoints.OrderRequest), "amount")] = Positive,
        [(typeof(OrdersEndpoints.OrderRequest), "description")] = Text(Order.MaxDescriptionLength, 1),
        [(typeof(OrdersEndpoints.OrderRequest), "items")] = Items(Order.MaxItems),
        [(typeof(OrderItemInput), "sku")] = Text(OrderItem.MaxSkuLength, 1),
        [(typeof(OrderItemInput), "quantity")] = Between(1, OrderItem.MaxQuantity),
        [(typeof(OrderItemInput), "unitPrice")] = NotNegative,
        [(typeof(OrdersEndpoints.CancelRequest), "reason")] = Text(Refund.MaxReasonLength),
        [(typeof(OrdersEndpoints.ReturnRequest), "amount")] = Positive,
        [(typeof(OrdersEndpoints.ReturnRequest), "reason")] = Text(Refund.MaxReasonLength, 1),
        [(typeof(TransfersEndpoints.TransferRequest), "amount")] = Positive,
        [(typeof(TransfersEndpoints.TransferRequest), "description")] = Text(Transfer.MaxDescriptionLength, 1),
        [(typeof(VmsEndpoints.VmRequest), "name")] = Text(VirtualMachine.MaxNameLength, 1),
        [(typeof(VmsEndpoints.VmRequest), "size")] = VmSizes,
        [(typeof(VmsEndpoints.ResizeRequest), "size")] = VmSizes,
        [(typeof(ApiKeysEndpoints.CreateApiKeyRequest), "name")] = Text(ApiKeyRules.MaxNameLength, 1),
        [(typeof(ApiKeysEndpoints.CreateApiKeyRequest), "role")] = Values(ApiKeyRules.StaffRoles.Select(r => r.ToString()).ToArray()),
        [(typeof(ApiKeysEndpoints.CreateCustomerApiKeyRequest), "name")] = Text(ApiKeyRules.MaxNameLength, 1),
        [(typeof(AdministrationEndpoints.AdjustmentRequest), "direction")] = OneOf<LedgerDirection>(),
        [(typeof(AdministrationEndpoints.AdjustmentRequest), "amount")] = Positive,
        [(typeof(AdministrationEndpoints.AdjustmentRequest), "reason")] = Text(Adjustment.MaxReasonLength, 1),
        [(typeof(AdministrationEndpoints.WalletStatusChangeRequest), "reason")] = Text(AdministrationAudit.MaxReasonLength),

        // Responses
        [(typeof(WalletDto), "currency")] = Currency,
        [(typeof(WalletDto), "status")] = OneOf<WalletStatus>(),
        [(typeof(MeWalletDto), "currency")] = Currency,
        [(typeof(MeWalletDto), "status")] = OneOf<WalletStatus>(),
        [(typeof(MeDto), "role")] = OneOf<ApiKeyRole>(),
        [(typeof(MeCustomerDto), "billingModel")] = OneOf<BillingModel>(),
        [(typeof(CustomerDto), "billingModel")] = OneOf<BillingModel>(),
        [(typeof(CustomerDto), "status")] = OneOf<CustomerStatus>(),
        [(typeof(ApiKeyDto), "role")] = OneOf<ApiKeyRole>(),
        [(typeof(LedgerEntryDto), "type")] = OneOf<LedgerEntryType>(),
        [(typeof(LedgerEntryDto), "direction")] = OneOf<LedgerDirection>(),
        [(typeof(PaymentDto), "currency")] = Currency,
        [(typeof(PaymentDto), "method")] = OneOf<PaymentMethod>(),
        [(typeof(PaymentDto), "status")] = OneOf<PaymentStatus>(),
        [(typeof(RefundDto), "currency")] = Currency,
        [(typeof(RefundDto), "paymentStatus")] = OneOf<PaymentStatus>(),
        [(typeof(HoldDto), "currency")] = Currency,
        [(typeof(HoldDto), "status")] = OneOf<HoldStatus>(),
        [(typeof(OrderDto), "currency")] = Currency,
        [(typeof(OrderDto), "status")] = OneOf<OrderStatus>(),
        [(typeof(OrderDto), "paymentStatus")] = OneOf<PaymentStatus>(),
        [(typeof(TransferDto), "currency")] = Currency,
        [(typeof(AdjustmentDto), "currency")] = Currency,
        [(typeof(AdjustmentDto), "direction")] = OneOf<LedgerDirection>(),
        [(typeof(VmDto), "status")] = OneOf<VmStatus>(),
        [(typeof(VmDto), "size")] = VmSizes,
        [(typeof(JobRunView), "status")] = OneOf<JobRunStatus>(),
    };

    private const string WalletId = "3f2b8c1e-4d7a-4b8e-9a51-0c6f1e2d3a4b";

    /// <summary>One valid example of every request body.</summary>
    public static readonly Dictionary<Type, Func<JsonNode>> Examples = new()
    {
        [typeof(CustomersEndpoints.CreateCustomerRequest)] = () => new JsonObject { ["name"] = "Acme Ltd", ["billingModel"] = "Invoice", ["creditLimit"] = 5000.00m, ["currency"] = "ZAR" },
        [typeof(CustomersEndpoints.OpenWalletRequest)] = () => new JsonObject { ["currency"] = "USD" },
        [typeof(WalletsEndpoints.TopUpRequest)] = () => new JsonObject { ["amount"] = 500.00m, ["cardToken"] = "tok_visa" },
        [typeof(WalletsEndpoints.WalletPaymentRequest)] = () => new JsonObject { ["amount"] = 129.99m, ["description"] = "Backup storage, June", ["reference"] = "INV-2026-0612" },
        [typeof(PaymentsEndpoints.CardPaymentRequest)] = () => new JsonObject { ["amount"] = 49.50m, ["currency"] = "ZAR", ["cardToken"] = "tok_visa", ["description"] = "Domain renewal" },
        [typeof(RefundsEndpoints.RefundRequest)] = () => new JsonObject { ["amount"] = 20.00m, ["reason"] = "Service outage credit" },
        [typeof(HoldsEndpoints.PlaceHoldRequest)] = () => new JsonObject { ["amount"] = 75.00m, ["description"] = "GPU reservation", ["reference"] = "RES-88", ["expiresInSeconds"] = 3600 },
        [typeof(HoldsEndpoints.CaptureHoldRequest)] = () => new JsonObject { ["amount"] = 60.00m },
        [typeof(OrdersEndpoints.OrderRequest)] = () => new JsonObject
        {
            ["walletId"] = WalletId, ["amount"] = 30.00m, ["description"] = "Two SSL certificates",
            ["items"] = new JsonArray(new JsonObject { ["sku"] = "ssl-basic", ["quantity"] = 2, ["unitPrice"] = 15.00m }),
        },
        [typeof(OrderItemInput)] = () => new JsonObject { ["sku"] = "ssl-basic", ["quantity"] = 2, ["unitPrice"] = 15.00m },
        [typeof(OrdersEndpoints.CancelRequest)] = () => new JsonObject { ["reason"] = "Ordered by mistake" },
        [typeof(OrdersEndpoints.ReturnRequest)] = () => new JsonObject { ["amount"] = 15.00m, ["reason"] = "One certificate unused" },
        [typeof(TransfersEndpoints.TransferRequest)] = () => new JsonObject
        {
            ["fromWalletId"] = WalletId, ["toWalletId"] = "9d4e2f10-7b3c-4c6a-8e21-5a7b9c0d1e2f", ["amount"] = 100.00m, ["description"] = "Team budget",
        },
        [typeof(VmsEndpoints.VmRequest)] = () => new JsonObject { ["walletId"] = WalletId, ["name"] = "build-runner-1", ["size"] = "Small" },
        [typeof(VmsEndpoints.ResizeRequest)] = () => new JsonObject { ["size"] = "Medium" },
        [typeof(ApiKeysEndpoints.CreateApiKeyRequest)] = () => new JsonObject { ["name"] = "night shift", ["role"] = "Ops" },
        [typeof(ApiKeysEndpoints.CreateCustomerApiKeyRequest)] = () => new JsonObject { ["name"] = "billing server" },
        [typeof(AdministrationEndpoints.AdjustmentRequest)] = () => new JsonObject { ["direction"] = "Credit", ["amount"] = 10.00m, ["reason"] = "Goodwill credit, ticket 4411" },
        [typeof(AdministrationEndpoints.WalletStatusChangeRequest)] = () => new JsonObject { ["reason"] = "Chargeback under review" },
    };
}
