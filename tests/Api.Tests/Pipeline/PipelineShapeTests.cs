using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Application.ApiKeys.Commands.CreateApiKey;
using CleanWallet.Application.Common.Behaviours;
using CleanWallet.Application.Payments;
using CleanWallet.Application.Payments.Commands.RefundPayment;
using CleanWallet.Application.Wallets;
using CleanWallet.Application.Wallets.Commands.PayFromWallet;
using CleanWallet.Application.Wallets.Queries.GetWallet;
using CleanWallet.Application.Wallets.Queries.ListWalletTransactions;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace CleanWallet.Api.Tests.Pipeline;

/// <summary>
/// Which behaviours the API's container builds for a request, in order (MediatR asks it for every
/// <see cref="IPipelineBehavior{TRequest,TResponse}"/>): a query gets only those that do something for it.
/// </summary>
public sealed class PipelineShapeTests(TestDatabase database) : ApiTestBase(database)
{
    [Fact]
    public void A_query_runs_through_logging_and_validation_only()
    {
        Assert.Equal([typeof(LoggingBehaviour<,>), typeof(ValidationBehaviour<,>)], Pipeline<GetWalletQuery, WalletDto>());
        Assert.Equal([typeof(LoggingBehaviour<,>), typeof(ValidationBehaviour<,>)], Pipeline<ListWalletTransactionsQuery, LedgerPage>());
    }

    [Fact]
    public void A_wallet_payment_runs_through_all_five_behaviours_in_order_and_another_command_skips_the_queue_and_idempotency()
    {
        Assert.Equal([typeof(LoggingBehaviour<,>), typeof(ValidationBehaviour<,>), typeof(WalletQueueBehaviour<,>),
                typeof(TransactionBehaviour<,>), typeof(IdempotencyBehaviour<,>)],
            Pipeline<PayFromWalletCommand, PaymentDto>());
        // A refund locks its payment's wallet too, but names no wallet in the request: it does not queue.
        Assert.Equal([typeof(LoggingBehaviour<,>), typeof(ValidationBehaviour<,>), typeof(TransactionBehaviour<,>), typeof(IdempotencyBehaviour<,>)],
            Pipeline<RefundPaymentCommand, RefundDto>());
        Assert.Equal([typeof(LoggingBehaviour<,>), typeof(ValidationBehaviour<,>), typeof(TransactionBehaviour<,>)],
            Pipeline<CreateApiKeyCommand, CreatedApiKey>());
    }

    private Type[] Pipeline<TRequest, TResponse>() where TRequest : notnull
    {
        using var scope = Factory.Services.CreateScope();
        return scope.ServiceProvider.GetServices<IPipelineBehavior<TRequest, TResponse>>().Select(b => b.GetType().GetGenericTypeDefinition()).ToArray();
    }
}
