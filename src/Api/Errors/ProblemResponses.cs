using Microsoft.AspNetCore.Mvc;
using CleanWallet.Domain.Common;

namespace CleanWallet.Api.Errors;

/// <summary>Every error leaves as RFC 9457 problem+json with a stable <c>code</c>, never a stack trace.</summary>
public static class ProblemResponses
{
    public static ProblemDetails Create(HttpContext context, int status, string code, string detail,
        IDictionary<string, string[]>? errors = null, IReadOnlyDictionary<string, object?>? extensions = null)
    {
        var problem = errors is null
            ? new ProblemDetails()
            : new HttpValidationProblemDetails(errors);
        problem.Status = status;
        problem.Title = TitleFor(status);
        problem.Detail = detail;
        problem.Type = $"https://cleanwallet.example/problems/{code.Replace('_', '-')}";
        problem.Instance = context.Request.Path;
        problem.Extensions["code"] = code;
        problem.Extensions["requestId"] = context.TraceIdentifier;
        // The request's one log line (Serilog request logging) carries the code as its ErrorCode property.
        context.RequestServices.GetService<Serilog.IDiagnosticContext>()?.Set("ErrorCode", code);
        if (extensions is not null)
            foreach (var (name, value) in extensions)
                problem.Extensions[name] = value;
        return problem;
    }

    public static Task WriteAsync(HttpContext context, int status, string code, string detail,
        IDictionary<string, string[]>? errors = null, IReadOnlyDictionary<string, object?>? extensions = null)
    {
        var problem = Create(context, status, code, detail, errors, extensions);
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(problem, problem.GetType(), options: null, contentType: "application/problem+json");
    }

    public static IResult Result(HttpContext context, int status, string code, string detail,
        IReadOnlyDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(Create(context, status, code, detail, extensions: extensions));

    public static string CodeForStatus(int status) => status switch
    {
        400 => ErrorCodes.BadRequest,
        401 => ErrorCodes.Unauthorized,
        403 => ErrorCodes.Forbidden,
        404 => ErrorCodes.NotFound,
        405 => ErrorCodes.MethodNotAllowed,
        409 => ErrorCodes.Conflict,
        413 => ErrorCodes.PayloadTooLarge,
        415 => ErrorCodes.UnsupportedMediaType,
        422 => ErrorCodes.Unprocessable,
        429 => ErrorCodes.RateLimited,
        503 => ErrorCodes.ServiceUnavailable,
        _ => status >= 500 ? ErrorCodes.InternalError : ErrorCodes.Error,
    };

    private static string TitleFor(int status) => status switch
    {
        400 => "The request is invalid.",
        401 => "Authentication required.",
        403 => "Forbidden.",
        404 => "Not found.",
        409 => "Conflict with the current state.",
        422 => "The request breaks a business rule.",
        429 => "Too many requests.",
        503 => "A dependency is unavailable.",
        _ => status >= 500 ? "An unexpected error occurred." : "The request failed.",
    };
}
