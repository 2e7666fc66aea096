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
using CleanWallet.Application.Administration.Commands.AdjustWallet;
using CleanWallet.Application.Administration.Commands.SetWalletFrozen;
using CleanWallet.Application.ApiKeys;
using CleanWallet.Application.ApiKeys.Commands.CreateApiKey;
using CleanWallet.Application.Customers;
using CleanWallet.Application.Customers.Commands.CreateCustomer;
using CleanWallet.Application.Holds;
using CleanWallet.Application.Holds.Commands.CaptureHold;
using CleanWallet.Application.Holds.Commands.PlaceHold;
using CleanWallet.Application.Me.Queries.GetMe;
using CleanWallet.Application.Operations;
using CleanWallet.Application.Orders;
using CleanWallet.Application.Orders.Commands.CancelOrder;
using CleanWallet.Application.Orders.Commands.CreateOrder;
using CleanWallet.Application.Orders.Commands.ReturnOrder;
using CleanWallet.Application.Payments;
using CleanWallet.Application.Payments.Commands.PayByCard;
using CleanWallet.Application.Payments.Commands.RefundPayment;
using CleanWallet.Application.Transfers;
using CleanWallet.Application.Transfers.Commands.CreateTransfer;
using CleanWallet.Application.Vms;
using CleanWallet.Application.Vms.Commands.ProvisionVm;
using CleanWallet.Application.Vms.Commands.ResizeVm;
using CleanWallet.Application.Vms.Queries.ListVmSizes;
using CleanWallet.Application.Wallets;
using CleanWallet.Application.Wallets.Commands.OpenWallet;
using CleanWallet.Application.Wallets.Commands.PayFromWallet;
using CleanWallet.Application.Wallets.Commands.TopUpWallet;
using CleanWallet.Domain.Access;
using CleanWallet.Domain.Adjustments;
using CleanWallet.Domain.Common;
using CleanWallet.Domain.Customers;
using CleanWallet.Domain.Holds;
using CleanWallet.Domain.Orders;
using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Transfers;
using CleanWallet.Domain.VirtualMachines;
using CleanWallet.Domain.Wallets;
using Microsoft.OpenApi;
using static CleanWallet.Api.OpenApi.RequestValidation;
using static CleanWallet.Api.OpenApi.SchemaRule;

namespace CleanWallet.Api.OpenApi;

/// <summary>
/// What the schemas say that cannot be read from the validators (<see cref="ValidatorSchemas"/> reads the rest): which
/// validator checks each request body, the validator rules a descriptor cannot read (said here by hand, each naming its
/// single source), the enums and formats of responses, and an example of every request body.
/// </summary>
internal static class SchemaRules
{
    /// <summary>
    /// The places money is rounded to: <see cref="Money.Decimals"/>, the precision the Money value and every aggregate use
    /// (documented as <c>multipleOf</c>).
    /// </summary>
    public static readonly decimal MoneyStep = Step(Money.Decimals);

    // Declared before the tables that use them (static fields are initialised in order).
    private static readonly Action<OpenApiSchema, IServiceProvider> NotNegative = AtLeast(0m);
    private static readonly Action<OpenApiSchema, IServiceProvider> VmSizes =
        Values(services => services.GetRequiredService<VmCatalog>().Sizes.Select(s => s.Name));

    /// <summary>Every request body and the validator that checks it (<see cref="RequestValidation"/>).</summary>
    public static readonly Dictionary<Type, RequestValidation> RequestBodies = new()
    {
        [typeof(CustomersEndpoints.CreateCustomerRequest)] = By<CreateCustomerCommand>(),
        [typeof(CustomersEndpoints.OpenWalletRequest)] = By<OpenWalletCommand>(),
        [typeof(WalletsEndpoints.TopUpRequest)] = By<TopUpWalletCommand>(),
        [typeof(WalletsEndpoints.WalletPaymentRequest)] = By<PayFromWalletCommand>(),
        [typeof(PaymentsEndpoints.CardPaymentRequest)] = By<PayByCardCommand>(),
        [typeof(RefundsEndpoints.RefundRequest)] = By<RefundPaymentCommand>(),
        [typeof(HoldsEndpoints.PlaceHoldRequest)] = By<PlaceHoldCommand>(),
        [typeof(HoldsEndpoints.CaptureHoldRequest)] = By<CaptureHoldCommand>(),
        [typeof(OrdersEndpoints.OrderRequest)] = By<CreateOrderCommand>(),
        [typeof(OrderItemInput)] = ByEachItemOf<CreateOrderCommand>("items"),
        [typeof(OrdersEndpoints.CancelRequest)] = By<CancelOrderCommand>("orderId"),
        [typeof(OrdersEndpoints.ReturnRequest)] = By<ReturnOrderCommand>("orderId"),
        [typeof(TransfersEndpoints.TransferRequest)] = By<CreateTransferCommand>(),
        [typeof(VmsEndpoints.VmRequest)] = By<ProvisionVmCommand>(),
        [typeof(VmsEndpoints.ResizeRequest)] = By<ResizeVmCommand>("vmId"),
        [typeof(ApiKeysEndpoints.CreateApiKeyRequest)] = By<CreateApiKeyCommand>(),
        // The role rule applies only to staff keys (no customer); a customer key is always issued with its customer.
        [typeof(ApiKeysEndpoints.CreateCustomerApiKeyRequest)] = By<CreateApiKeyCommand>("role"),
        [typeof(AdministrationEndpoints.AdjustmentRequest)] = By<AdjustWalletCommand>(),
        [typeof(AdministrationEndpoints.WalletStatusChangeRequest)] = By<SetWalletFrozenCommand>(),
    };

    private static readonly DescribedRule TwoDecimals =
        new("Money.HasAtMostTwoDecimals (Money.Decimals)", (schema, _) => schema.MultipleOf = MoneyStep);

    private static readonly DescribedRule CurrencyCode = new("Money.IsValidCurrency", Currency, RejectsMissing: true);

    private static readonly DescribedRule VmSize = new("VmCatalog.Find", VmSizes, RejectsMissing: true);

    private static DescribedRule EnumName<TEnum>() where TEnum : struct, Enum =>
        new($"EnumRules.ValidEnumName<{typeof(TEnum).Name}>", OneOf<TEnum>(), RejectsMissing: true);

    /// <summary>
    /// The validator rules <see cref="ValidatorSchemas"/> cannot read (predicates, comparisons with another field), by
    /// request body and field, in the order the validator declares them. A rule missing here, or an entry with no rule, fails
    /// the contract tests.
    /// </summary>
    public static readonly Dictionary<(Type Request, string Field), DescribedRule[]> Described = new()
    {
        [(typeof(CustomersEndpoints.CreateCustomerRequest), "billingModel")] = [EnumName<BillingModel>()],
        [(typeof(CustomersEndpoints.CreateCustomerRequest), "creditLimit")] =
            [TwoDecimals, new("compares billingModel: a Payg customer has no credit limit")],
        [(typeof(CustomersEndpoints.CreateCustomerRequest), "currency")] = [CurrencyCode],
        [(typeof(CustomersEndpoints.OpenWalletRequest), "currency")] = [CurrencyCode],
        [(typeof(WalletsEndpoints.TopUpRequest), "amount")] = [TwoDecimals],
        [(typeof(WalletsEndpoints.WalletPaymentRequest), "amount")] = [TwoDecimals],
        [(typeof(PaymentsEndpoints.CardPaymentRequest), "amount")] = [TwoDecimals],
        [(typeof(PaymentsEndpoints.CardPaymentRequest), "currency")] = [CurrencyCode],
        [(typeof(RefundsEndpoints.RefundRequest), "amount")] = [TwoDecimals],
        [(typeof(HoldsEndpoints.PlaceHoldRequest), "amount")] = [TwoDecimals],
        [(typeof(HoldsEndpoints.CaptureHoldRequest), "amount")] = [TwoDecimals],
        [(typeof(OrdersEndpoints.OrderRequest), "amount")] = [TwoDecimals],
        [(typeof(OrderItemInput), "sku")] = [new("OrderItem.IsValidSku", Text(OrderItem.MaxSkuLength, 1), RejectsMissing: true)],
        [(typeof(OrderItemInput), "quantity")] = [new("OrderItem.IsValidQuantity", Between(1, OrderItem.MaxQuantity), RejectsMissing: true)],
        [(typeof(OrderItemInput), "unitPrice")] =
            [new("OrderItem.IsValidUnitPrice", All(NotNegative, (schema, _) => schema.MultipleOf = MoneyStep), RejectsMissing: true)],
        [(typeof(OrdersEndpoints.ReturnRequest), "amount")] = [TwoDecimals],
        [(typeof(TransfersEndpoints.TransferRequest), "toWalletId")] = [new("compares fromWalletId: another wallet")],
        [(typeof(TransfersEndpoints.TransferRequest), "amount")] = [TwoDecimals],
        [(typeof(VmsEndpoints.VmRequest), "size")] = [VmSize],
        [(typeof(VmsEndpoints.ResizeRequest), "size")] = [VmSize],
        [(typeof(ApiKeysEndpoints.CreateApiKeyRequest), "role")] =
        [
            new("ApiKeyRules.StaffRoles", Values(ApiKeyRules.StaffRoles.Select(r => r.ToString()).ToArray()), RejectsMissing: true,
                AlwaysAppliesBecause: "its condition is 'no customer', and this endpoint issues staff keys"),
        ],
        [(typeof(AdministrationEndpoints.AdjustmentRequest), "direction")] = [EnumName<LedgerDirection>()],
        [(typeof(AdministrationEndpoints.AdjustmentRequest), "amount")] = [TwoDecimals],
    };

    /// <summary>Money fields with more than two decimals: the informational hourly price (monthly price / hours per month).</summary>
    public static readonly HashSet<(Type, string)> FourDecimalFields = [(typeof(VmSizeDto), "hourlyPrice")];

    public static readonly Dictionary<(Type, string), Action<OpenApiSchema, IServiceProvider>> Fields = new()
    {
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

    /// <summary>One valid example of every request body (the contract tests send each, and each without every field in turn).</summary>
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

    private static decimal Step(int decimals)
    {
        var step = 1m;
        for (var i = 0; i < decimals; i++)
            step /= 10m;
        return step;
    }
}
