using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CleanWallet.Api.Tests.Infrastructure;

/// <summary>
/// The API as a process of its own (<c>dotnet CleanWallet.Api.dll</c>, the build the tests reference, Testing settings), on
/// the test database: for what an in-process host cannot show, such as a node killed outright (SIGKILL: no shutdown, no
/// Hangfire goodbye, connections dropped by the kernel).
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ApiProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The process's last lines of output, for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, _output.TakeLast(60));

    public static async Task<ApiProcess> StartAsync(string connectionString, IReadOnlyDictionary<string, string?> settings)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CleanWallet.Api.dll"));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ConnectionStrings__Wallet"] = connectionString;
        start.Environment["Auth__BootstrapAdminKey"] = ApiFactory.AdminKey;
        foreach (var (key, value) in settings)
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var api = new ApiProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => api.Record(e.Data);
        process.ErrorDataReceived += (_, e) => api.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await api.WaitUntilReadyAsync();
        return api;
    }

    public HttpClient CreateClient(string apiKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    /// <summary>SIGKILL: the process ends at once, in whatever it was doing.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is null)
            return;
        _output.Enqueue(line);
        while (_output.Count > 200)
            _output.TryDequeue(out _);
    }

    private async Task WaitUntilReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(_process.HasExited, $"The API process exited while starting:{Environment.NewLine}{Output}");
            try
            {
                if ((await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // not answering yet
            }
            Assert.True(DateTime.UtcNow < deadline, $"The API process was not ready within 60 s:{Environment.NewLine}{Output}");
            await Task.Delay(200);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
