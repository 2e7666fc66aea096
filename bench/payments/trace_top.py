#!/usr/bin/env python3
"""Summarises a speedscope file converted from a dotnet-trace `dotnet-sampled-thread-time` trace.

The EventPipe sampler records every managed thread's stack (~100 Hz) whether it runs or not, and ends each stack with
a pseudo-frame: CPU_TIME (the thread was in managed code) or UNMANAGED_CODE_TIME (it was in native code: a wait, a
socket call, the runtime). This prints
  - how the sampled thread time splits into managed code, native code doing work, and native waits (idle threads);
  - for managed code (a good proxy for the API's CPU): the methods with the most time on the stack (inclusive), the
    innermost managed methods (exclusive), and the exclusive time by assembly;
  - for native code that is not a wait: the managed method that called into it.

    trace_top.py FILE.speedscope.json [N]
"""
import json
import re
import sys
from collections import defaultdict

path = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
data = json.load(open(path, encoding="utf-8"))
frames = [f["name"] for f in data["shared"]["frames"]]
PSEUDO = re.compile(r"^(Threads|Process\d+ .*|\(Non-Activities\)|Thread \(\d+\).*|CPU_TIME|UNMANAGED_CODE_TIME)$")
WAIT = re.compile(r"(WaitHandle\.Wait|Monitor\.Wait|LowLevelLifoSemaphore|LowLevelMonitor|Thread\.Sleep|SpinWait|"
                  r"WaitForSignal|WaitOneCore|WaitCore|SocketAsyncEngine\.EventLoop|Interop\+Sys\.WaitFor|"
                  r"ManualResetEventSlim\.Wait|Thread\.Join|GateThread|WaitForEvents|CancellationTokenExtentions\.Wait|"
                  r"TimerQueue\.TimerThread|Interop\+Sys\.(Read|Poll)\b|ConsolePal)")

incl = defaultdict(float)
excl = defaultdict(float)
by_module = defaultdict(float)
native_caller = defaultdict(float)
managed = native_busy = native_wait = 0.0


def account(stack, dt):
    global managed, native_busy, native_wait
    if dt <= 0 or not stack:
        return
    names = [frames[i] for i in stack]
    leaf = names[-1]
    real = [n for n in names if not PSEUDO.match(n)]
    inner = real[-1] if real else leaf
    if leaf == "CPU_TIME":
        managed += dt
        for n in set(real):
            incl[n] += dt
        excl[inner] += dt
        by_module[inner.split("!", 1)[0]] += dt
    elif any(WAIT.search(n) for n in real[-6:]):
        native_wait += dt
    else:
        native_busy += dt
        native_caller[inner] += dt


for profile in data["profiles"]:
    if profile.get("type") == "evented":
        stack, last = [], None
        for e in profile["events"]:
            if last is not None:
                account(stack, e["at"] - last)
            last = e["at"]
            if e["type"] == "O":
                stack.append(e["frame"])
            elif stack:
                stack.pop()
    elif profile.get("type") == "sampled":
        for sample, weight in zip(profile["samples"], profile["weights"]):
            account(sample, weight)

total = managed + native_busy + native_wait
print(f"{len(data['profiles'])} threads; sampled thread time: managed code {managed / total:.0%}, "
      f"native code not waiting {native_busy / total:.0%}, waiting {native_wait / total:.0%}")


def short(name, width=160):
    name = re.sub(r"\(.*\)$", "()", name)
    return name if len(name) <= width else name[: width - 1] + "…"


def show(title, table, denominator, count=top):
    print(f"\n{title}")
    for name, t in sorted(table.items(), key=lambda kv: -kv[1])[:count]:
        print(f"{t / denominator:6.1%}  {short(name)}")


show(f"Managed code, top {top} by inclusive time (share of managed-code time):", incl, managed)
PLUMBING = re.compile(r"^(System\.Private\.CoreLib|System\.Net\.Sockets|\?)!")
show(f"Managed code, top {top} by inclusive time outside the runtime's async/thread-pool/socket plumbing:",
     {n: t for n, t in incl.items() if not PLUMBING.match(n)}, managed)
STAGES = [
    ("Kestrel HTTP/1.1 connection (whole request)", r"Microsoft\.AspNetCore\.Server\.Kestrel.*HttpProtocol.*ProcessRequests"),
    ("Serilog request logging middleware", r"Serilog\.AspNetCore.*RequestLoggingMiddleware"),
    ("authentication (API-key lookup)", r"AuthenticationMiddleware"),
    ("rate limiter", r"RateLimitingMiddleware"),
    ("MediatR pipeline: logging behaviour", r"LoggingBehaviour"),
    ("MediatR pipeline: validation behaviour", r"ValidationBehaviour"),
    ("MediatR pipeline: transaction behaviour", r"TransactionBehaviour"),
    ("MediatR pipeline: idempotency behaviour", r"IdempotencyBehaviour"),
    ("EF Core query compilation / expression work", r"(QueryCompiler|ExpressionTreeFuncletizer|ParameterExtractingExpressionVisitor|System\.Linq\.Expressions)"),
    ("EF Core SaveChanges", r"SaveChanges"),
    ("EF Core change tracking", r"ChangeTracking"),
    ("DbContext creation / DI scope", r"(DbContext\.\.ctor|DbContextServices|ServiceProviderEngineScope|ResolveService)"),
    ("Npgsql command execution", r"Npgsql!Npgsql\.NpgsqlCommand"),
    ("Npgsql connection open/reset (pool)", r"Npgsql!Npgsql\.(NpgsqlConnection\+<Open|PoolingDataSource|NpgsqlConnector\+<Reset|NpgsqlConnector.Reset)"),
    ("System.Text.Json", r"System\.Text\.Json!"),
    ("reflection emit / DynamicMethod", r"(DynamicMethod|Reflection\.Emit|MakeGenericType)"),
    ("SHA-256 (key hash / request hash)", r"SHA256"),
    ("Hangfire (background servers)", r"Hangfire"),
    ("GC suspension (threads parked for a GC)", r"PollGC"),
]
stage_time = defaultdict(float)
for name, t in incl.items():
    for label, pattern in STAGES:
        if re.search(pattern, name):
            stage_time[label] = max(stage_time[label], t)
print("\nManaged code by stage (inclusive; the largest matching frame, so nested stages overlap):")
for label, _ in STAGES:
    print(f"{stage_time[label] / managed:6.1%}  {label}")
show(f"Managed code, top {top} by exclusive time (innermost managed frame):", excl, managed)
show("Managed code, exclusive time by assembly:", by_module, managed, 15)
show("Native code that is not a wait, by the managed method that called it (share of that native time):",
     native_caller, native_busy, 12)
