// CleanWallet build script (Cake 7, run through ./build.sh).
//   ./build.sh                          -> Default (= Test)
//   ./build.sh --target=Build           -> restore + build (Release)
//   ./build.sh --target=Lint            -> build, export /openapi/v1.json from a test host, lint it with Redocly CLI
//   ./build.sh --target=Run             -> build, then run the API in the foreground
//   ./build.sh --target=Simulate --companies=100 --months=6 --seed=1
//                                       -> build, then fill Run's database with a simulated business (tools/Simulator)
//   ./build.sh --configuration=Debug    -> any target in Debug
using System.Text.Json;
using System.Xml.Linq;

var target = Argument("target", "Default");
var configuration = Argument("configuration", "Release");

var solution = File("./CleanWallet.sln");
var apiProject = File("./src/Api/CleanWallet.Api.csproj");
var testResultsDir = Directory("./TestResults");
var apiTestsProject = File("./tests/Api.Tests/CleanWallet.Api.Tests.csproj");
var redoclyDir = Directory("./tools/redocly");
var openApiExport = File("./artifacts/openapi/v1.json");

Task("Clean")
    .Does(() =>
{
    DotNetClean(solution, new DotNetCleanSettings
    {
        Configuration = configuration,
        NoLogo = true,
    });
    CleanDirectory(testResultsDir);
});

Task("Restore")
    .Does(() =>
{
    DotNetRestore(solution);
});

Task("Build")
    .IsDependentOn("Restore")
    .Does(() =>
{
    // Warnings are already errors via Directory.Build.props.
    DotNetBuild(solution, new DotNetBuildSettings
    {
        Configuration = configuration,
        NoRestore = true,
        NoLogo = true,
    });
});

// The published contract, linted: a test host serves /openapi/v1.json, one test writes it to artifacts/openapi/v1.json,
// and Redocly CLI (pinned in tools/redocly/package.json + package-lock.json, installed with npm ci when missing) lints it
// with redocly.yaml. Any error or warning fails the build.
Task("Lint")
    .IsDependentOn("Build")
    .Does(() =>
{
    var redocly = MakeAbsolute(redoclyDir).CombineWithFilePath("node_modules/.bin/redocly");
    if (!FileExists(redocly))
    {
        Information("Installing Redocly CLI (tools/redocly) with npm ci");
        var installed = StartProcess("npm", new ProcessSettings
        {
            Arguments = "ci --no-audit --no-fund",
            WorkingDirectory = MakeAbsolute(redoclyDir),
        });
        if (installed != 0 || !FileExists(redocly))
            throw new CakeException("npm ci in tools/redocly failed: Node.js 20+ and npm are needed to lint the OpenAPI document.");
    }

    var document = MakeAbsolute(openApiExport);
    if (FileExists(document))
        DeleteFile(document);
    DotNetTest(apiTestsProject, new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        NoLogo = true,
        Filter = "FullyQualifiedName~CleanWallet.Api.Tests.Contract.OpenApiExportTests",
        EnvironmentVariables = new Dictionary<string, string> { ["CLEANWALLET_OPENAPI_EXPORT"] = document.FullPath },
    });
    if (!FileExists(document))
        throw new CakeException($"The OpenAPI document was not exported to {document}.");

    var lintArguments = new ProcessArgumentBuilder().Append("lint").AppendQuoted(document.FullPath)
        .Append("--config").AppendQuoted(MakeAbsolute(File("./redocly.yaml")).FullPath);
    // Readable findings first, then the totals as JSON: warnings fail the build too, not only errors.
    StartProcess(redocly, new ProcessSettings { Arguments = lintArguments.Render() + " --format=stylish" });
    StartProcess(redocly, new ProcessSettings
    {
        Arguments = lintArguments.Render() + " --format=json",
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    }, out var output);
    var totals = JsonDocument.Parse(string.Join("\n", output)).RootElement.GetProperty("totals");
    var errors = totals.GetProperty("errors").GetInt32();
    var warnings = totals.GetProperty("warnings").GetInt32();
    Information($"Redocly lint of {document}: {errors} error(s), {warnings} warning(s)");
    if (errors + warnings > 0)
        throw new CakeException($"The OpenAPI document has {errors} error(s) and {warnings} warning(s) (redocly.yaml).");
});

Task("Test")
    .IsDependentOn("Lint")
    .Does(() =>
{
    // Start from an empty results folder so only this run's .trx files are counted.
    CleanDirectory(testResultsDir);

    var exitCode = 0;
    DotNetTest(solution, new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        NoLogo = true,
        ResultsDirectory = testResultsDir,
        // "trx" without LogFileName: vstest gives every test assembly its own
        // unique file (a fixed LogFileName would be overwritten by each project).
        Loggers = new[] { "console;verbosity=normal", "trx" },
        // Keep going on failure so the totals below are always printed.
        HandleExitCode = code => { exitCode = code; return true; },
    });

    var trxFiles = GetFiles($"{testResultsDir}/**/*.trx");
    long total = 0, executed = 0, passed = 0, failed = 0, notExecuted = 0;
    foreach (var trx in trxFiles)
    {
        var doc = XDocument.Load(trx.FullPath);
        foreach (var counters in doc.Descendants().Where(e => e.Name.LocalName == "Counters"))
        {
            long Count(string name) => long.TryParse(counters.Attribute(name)?.Value, out var n) ? n : 0;
            total += Count("total");
            executed += Count("executed");
            passed += Count("passed");
            failed += Count("failed") + Count("error") + Count("timeout") + Count("aborted");
            notExecuted += Count("notExecuted");
        }
    }
    var skipped = Math.Max(notExecuted, total - executed);

    var summary = $"Tests: {passed} passed, {failed} failed" + (skipped > 0 ? $", {skipped} skipped" : "");
    System.IO.File.WriteAllText(MakeAbsolute(testResultsDir.Path.CombineWithFilePath("summary.txt")).FullPath, summary + "\n");
    // Plain Console output (no colour codes) so the closing line stands alone.
    Console.WriteLine();
    Console.WriteLine(summary);

    if (trxFiles.Count == 0 || total == 0)
    {
        throw new CakeException("No tests were run (no .trx results found or total is 0).");
    }
    if (failed > 0)
    {
        throw new CakeException($"{failed} test(s) failed.");
    }
    if (exitCode != 0)
    {
        throw new CakeException($"dotnet test exited with code {exitCode}.");
    }
});

Task("Run")
    .IsDependentOn("Build")
    .Does(() =>
{
    var environment = EnvironmentVariable("ASPNETCORE_ENVIRONMENT");
    var urls = EnvironmentVariable("ASPNETCORE_URLS");
    var env = new Dictionary<string, string>
    {
        ["ASPNETCORE_ENVIRONMENT"] = string.IsNullOrEmpty(environment) ? "Development" : environment,
        ["ASPNETCORE_URLS"] = string.IsNullOrEmpty(urls) ? "http://localhost:5080" : urls,
    };
    Information($"Starting the API ({env["ASPNETCORE_ENVIRONMENT"]}) on {env["ASPNETCORE_URLS"]}; press Ctrl+C to stop.");

    // Output is not redirected, so the API's log streams live to this terminal.
    // --no-launch-profile: the environment above wins over any launchSettings.json.
    var exitCode = StartProcess("dotnet", new ProcessSettings
    {
        Arguments = new ProcessArgumentBuilder()
            .Append("run")
            .Append("--project").AppendQuoted(MakeAbsolute(apiProject).FullPath)
            .Append("--no-build")
            .Append("--no-launch-profile")
            .Append("-c").Append(configuration),
        WorkingDirectory = MakeAbsolute(Directory(".")),
        EnvironmentVariables = env,
    });
    // 130/143: stopped with Ctrl+C / SIGTERM.
    if (exitCode != 0 && exitCode != 130 && exitCode != 143)
    {
        throw new CakeException($"The API exited with code {exitCode}.");
    }
});

Task("Simulate")
    .IsDependentOn("Build")
    .Does(() =>
{
    // The same database as Run: ConnectionStrings__Wallet when set, otherwise (Development) the private cluster under
    // .data/postgres or LocalPostgres__DataDirectory, resolved by the API's own DatabaseSetup inside the simulator.
    var environment = EnvironmentVariable("ASPNETCORE_ENVIRONMENT");
    var env = new Dictionary<string, string>
    {
        ["ASPNETCORE_ENVIRONMENT"] = string.IsNullOrEmpty(environment) ? "Development" : environment,
    };
    var arguments = new ProcessArgumentBuilder()
        .Append("run")
        .Append("--project").AppendQuoted(MakeAbsolute(File("./tools/Simulator/CleanWallet.Simulator.csproj")).FullPath)
        .Append("--no-build")
        .Append("--no-launch-profile")
        .Append("-c").Append(configuration)
        .Append("--")
        .Append($"--companies={Argument("companies", 100)}")
        .Append($"--months={Argument("months", 6)}")
        .Append($"--seed={Argument("seed", 1)}");
    foreach (var optional in new[] { "start", "days", "integrity-every-days" })
        if (HasArgument(optional))
            arguments.Append($"--{optional}={Argument<string>(optional)}");
    if (HasArgument("allow-existing"))
        arguments.Append("--allow-existing");
    var exitCode = StartProcess("dotnet", new ProcessSettings
    {
        Arguments = arguments,
        WorkingDirectory = MakeAbsolute(Directory(".")),
        EnvironmentVariables = env,
    });
    if (exitCode != 0)
    {
        throw new CakeException($"The simulation exited with code {exitCode} (1: an invariant broke or a command failed; see above).");
    }
});

Task("Default")
    .IsDependentOn("Test");

RunTarget(target);
