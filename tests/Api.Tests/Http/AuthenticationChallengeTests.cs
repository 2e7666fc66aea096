using System.Net;
using System.Net.Http.Headers;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Http;

/// <summary>Every 401 tells the client how to authenticate (RFC 6750) and is still problem+json with a code.</summary>
public sealed class AuthenticationChallengeTests(TestDatabase database) : ApiTestBase(database)
{
    [Fact]
    public async Task A_request_without_a_key_is_a_401_challenging_for_a_bearer_token_without_an_error_code()
    {
        var response = await Client(apiKey: null).GetAsync("/api/v1/customers");

        await AssertProblem(response, HttpStatusCode.Unauthorized, "unauthorized");
        var challenge = response.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Equal("realm=\"CleanWallet API\"", challenge.Parameter);
    }

    [Fact]
    public async Task An_unknown_key_is_a_401_whose_challenge_says_invalid_token()
    {
        var response = await Client("cw_not_a_real_key").GetAsync("/api/v1/me");

        await AssertProblem(response, HttpStatusCode.Unauthorized, "unauthorized");
        var challenge = response.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("realm=\"CleanWallet API\"", challenge.Parameter);
        Assert.Contains("error=\"invalid_token\"", challenge.Parameter);
    }

    [Fact]
    public async Task A_revoked_key_is_a_401_whose_challenge_says_invalid_token()
    {
        var created = await ReadJson(await AdminClient().PostAsync("/api/v1/admin/api-keys",
            new StringContent("""{"name":"short-lived","role":"ops"}""", System.Text.Encoding.UTF8, "application/json")));
        var secret = (string)created["apiKey"]!;
        await AssertStatus(await Client(secret).GetAsync("/api/v1/me"), HttpStatusCode.OK);
        await AssertStatus(await AdminClient().DeleteAsync($"/api/v1/admin/api-keys/{(string)created["id"]!}"), HttpStatusCode.NoContent);

        var response = await Client(secret).GetAsync("/api/v1/me");

        await AssertProblem(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.Single().Parameter);
    }

    [Fact]
    public async Task Another_authentication_scheme_is_a_401_challenging_for_bearer_without_an_error_code()
    {
        using var client = Client(apiKey: null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "dXNlcjpwYXNz");

        var response = await client.GetAsync("/api/v1/wallets");

        await AssertProblem(response, HttpStatusCode.Unauthorized, "unauthorized");
        var challenge = response.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.DoesNotContain("error=", challenge.Parameter);
    }

    [Fact]
    public async Task A_403_for_a_key_of_the_wrong_role_carries_no_challenge()
    {
        var customer = await CreateCustomerAsync();

        var response = await Client(customer.ApiKey).GetAsync("/api/v1/customers");

        await AssertProblem(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Empty(response.Headers.WwwAuthenticate);
    }
}
