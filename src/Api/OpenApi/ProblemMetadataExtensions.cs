using Microsoft.AspNetCore.Mvc;

namespace CleanWallet.Api.OpenApi;

public static class ProblemMetadataExtensions
{
    /// <summary>
    /// Declares error statuses an endpoint answers beyond the ones every endpoint of its kind can
    /// (<see cref="OperationContractTransformer"/> adds 400/401/403/404/413/415/429/500/503 as they apply), e.g. its 409s and 422s.
    /// </summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
            builder.ProducesProblem(status);
        return builder;
    }
}
