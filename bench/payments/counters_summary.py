#!/usr/bin/env python3
"""Summarises a dotnet-counters CSV (--format csv): mean and max of every counter over the collection."""
import csv
import sys
from collections import defaultdict

values = defaultdict(list)
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    for row in csv.reader(f):
        if len(row) < 5 or row[0] == "Timestamp":
            continue
        try:
            values[(row[2], row[3])].append(float(row[4]))
        except ValueError:
            pass
for (name, kind), v in sorted(values.items()):
    print(f"{name:<70} {kind:<6} mean {sum(v) / len(v):>14,.1f}   max {max(v):>14,.1f}")
