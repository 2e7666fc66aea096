#!/usr/bin/env python3
"""Summarises a speedscope file converted from a dotnet-trace sampled-thread-time trace.

The sampler records every managed thread's stack (~100 Hz) whether it runs or waits, so the time of threads parked in
a wait (thread-pool workers with no work, timers, the socket engine's epoll loop) is split off first: a stack whose
innermost frames are a wait is "idle". For the rest ("busy"), it prints the methods with the most inclusive time (on
the stack) and the most exclusive time (innermost managed frame), as a share of busy time.

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
IDLE = re.compile(r"(WaitHandle\.Wait|Monitor\.Wait|LowLevelLifoSemaphore|LowLevelMonitor|Thread\.Sleep|SpinWait|"
                  r"WaitForSignal|WaitOneCore|WaitCore|SocketAsyncEngine\.EventLoop|epoll|Interop\+Sys\.WaitFor|"
                  r"WaitSubsystem|ThreadBlockingWait|Thread\.Join|PortableThreadPool\.GateThread|WaitForEvents)")

inclusive = defaultdict(float)
exclusive = defaultdict(float)
busy = idle = 0.0


def account(stack, dt):
    global busy, idle
    if dt <= 0 or not stack:
        return
    names = [frames[i] for i in stack]
    if any(IDLE.search(n) for n in names[-4:]):
        idle += dt
        return
    busy += dt
    for n in set(names):
        inclusive[n] += dt
    exclusive[names[-1]] += dt


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

total = busy + idle
print(f"threads: {len(data['profiles'])}; sampled thread time {total:,.0f} (units of the file), idle (in a wait) {idle / total:.0%}, busy {busy / total:.0%}")


def short(name, width=150):
    return name if len(name) <= width else name[: width - 1] + "…"


print(f"\nTop {top} by inclusive busy time (on the stack):")
for name, t in sorted(inclusive.items(), key=lambda kv: -kv[1])[:top]:
    print(f"{t / busy:6.1%}  {short(name)}")
print(f"\nTop {top} by exclusive busy time (innermost frame):")
for name, t in sorted(exclusive.items(), key=lambda kv: -kv[1])[:top]:
    print(f"{t / busy:6.1%}  {short(name)}")
