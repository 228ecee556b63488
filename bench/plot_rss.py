#!/usr/bin/python3
"""Draws the memory curve of a soak run: bench/plot_rss.py artifacts/soak/rss.csv docs/robustness-rss.png

Needs matplotlib (apt-get install python3-matplotlib; hence Debian's python3).
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

source, target = sys.argv[1], sys.argv[2]
with open(source, newline="") as f:
    rows = list(csv.DictReader(f))
seconds = [int(r["seconds"]) for r in rows]
rss = [float(r["rss_mib"]) for r in rows]
heap = [float(r["gc_heap_mib"]) for r in rows] if rows and "gc_heap_mib" in rows[0] else None

fig, ax = plt.subplots(figsize=(8, 3.5), dpi=100)
ax.plot(seconds, rss, marker=".", linewidth=1, label="RSS")
if heap:
    ax.plot(seconds, heap, marker=".", linewidth=1, label="managed heap after last GC")
ax.axvspan(0, 60, color="0.9", label="warm-up")
ax.set_xlabel("seconds under load")
ax.set_ylabel("MiB")
ax.set_ylim(0, max(rss) * 1.2)
ax.set_title("Api resident memory, 64 connections, JSON + WAV on POST /prediction/CNN")
ax.grid(True, alpha=0.3)
ax.legend(loc="center right")
fig.tight_layout()
fig.savefig(target)
