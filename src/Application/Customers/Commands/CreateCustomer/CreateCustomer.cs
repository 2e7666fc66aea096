using CleanWallet.Application.ApiKeys;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Domain.Access;
using CleanWallet.Domain.Customers;
using CleanWallet.Domain.Wallets;
using MediatR;
using Microsoft.Extensions.Options;

namespace CleanWallet.Application.Customers.Commands.CreateCustomer;

/// <summary>Registers a customer with its wallet and first API key, all in one transaction.</summary>
public sealed record CreateCustomerCommand(string Name, string BillingModel, decimal? CreditLimit, string? Currency)
    : ICommand<CreatedCustomer>;

/// <summary>The API key is shown here once; only its hash is stored.</summary>
public sealed record CreatedCustomer(Guid CustomerId, Guid WalletId, string ApiKey);

public sealed class CreateCustomerHandler(
    ICustomerStore customers,
    IWalletStore wallets,
    IApiKeyStore apiKeys,
    IOptions<MoneyOptions> money,
    TimeProvider clock) : IRequestHandler<CreateCustomerCommand, CreatedCustomer>
{
    public Task<CreatedCustomer> Handle(CreateCustomerCommand command, CancellationToken cancellationToken)
    {
        var now = clock.StorableNow();
        var model = Enum.Parse<BillingModel>(command.BillingModel, ignoreCase: true);
        var customer = Customer.Register(command.Name, model, parentCustomerId: null, now);
        var wallet = Wallet.Open(customer, command.Currency ?? money.Value.DefaultCurrency, command.CreditLimit ?? 0m, now);
        var (key, hash, prefix) = ApiKeyGenerator.NewKey();

        customers.Add(customer);
        wallets.Add(wallet);
        apiKeys.Add(ApiKey.ForCustomer(customer.Id, "First key", hash, prefix, now));
        return Task.FromResult(new CreatedCustomer(customer.Id, wallet.Id, key));
    }
}
