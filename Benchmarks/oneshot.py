#!/usr/bin/env python3
"""One-shot `sift search` processes, timed whole (start to exit): what a user running one
query from the shell waits for. Standard library only; not run by `swift test` or CI.

    python3 Benchmarks/oneshot.py --sift .build/release/sift --index IDX --runs 21 QUERY...

Prints, per query, the median, fastest and slowest of the runs in ms and the peak resident
memory of any run; with --floor, also `sift --version` (the process floor: loading and
exiting the binary) for comparison.
"""
import argparse
import resource
import statistics
import subprocess
import time


def timed(command: list[str], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        samples.append((time.perf_counter() - start) * 1000)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr.decode(errors='replace')}")
    return sorted(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sift", default=".build/release/sift")
    parser.add_argument("--index", required=True)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--floor", action="store_true", help="also time `sift --version`")
    parser.add_argument("queries", nargs="+")
    arguments = parser.parse_args()
    rows = []
    if arguments.floor:
        rows.append(("sift --version", timed([arguments.sift, "--version"], arguments.runs)))
    for query in arguments.queries:
        rows.append((query, timed([arguments.sift, "search", "--index", arguments.index, query], arguments.runs)))
    for label, samples in rows:
        print(f"{label!r:40} median {statistics.median(samples):7.1f} ms   min {samples[0]:7.1f}   max {samples[-1]:7.1f}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak resident memory of any run: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
