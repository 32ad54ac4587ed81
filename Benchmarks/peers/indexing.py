#!/usr/bin/env python3
"""Indexing throughput: Sift against tantivy, interleaved, several rounds, one command.

Each round indexes every corpus with each contender in turn (the order rotating by round, so
a slow spell of the shared machine hits all of them): `sift index --jobs 1`, `sift index --jobs
2` and tantivy with one writer thread (the analyzer and schema of `run.py`, fed by Python from
the same files). Sift's process is timed whole (start, walk, read, index, commit) and its CPU
time and peak RSS are read from the kernel (`wait4`); tantivy's time runs from reading the
first file to the committed index, and its CPU time is the process's own during it. Prints the
median and range per contender and corpus, the Sift ÷ tantivy ratios and the 2-job scaling,
and writes everything to `WORK/results/indexing-DATE.json`.

Uses the work folder of `run.py` (its virtual environment with the pinned tantivy, its
corpora): run `run.py` once first. Indexes go to `WORK/tmp/indexing` and are removed.

    python3 Benchmarks/peers/indexing.py --work WORK --20news --docs 1000000 --rounds 3
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as peers  # noqa: E402  (the harness: corpora, analyzer, tantivy schema)


def sift_build(sift: Path, corpus: peers.Corpus, folder: Path, jobs: int, budget: int | None) -> dict:
    """`sift index` in a child process: wall seconds, CPU seconds (user + system), peak RSS."""
    shutil.rmtree(folder, ignore_errors=True)
    command = [str(sift), "index", str(corpus.folder), "--index", str(folder), "--full", "--jobs", str(jobs),
               "--stemmer", "porter2", "--stopwords", "english", "--quiet"]
    if budget:
        command += ["--memory-budget", str(budget)]
    start = time.perf_counter()
    pid = os.spawnv(os.P_NOWAIT, command[0], command)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        sys.exit(f"{' '.join(command)} failed with status {status}")
    return {"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_rss_mb": usage.ru_maxrss / 1024,
            "bytes": peers.folder_bytes(folder)}


def tantivy_build(corpus: peers.Corpus, folder: Path, heap_mb: int) -> dict:
    """tantivy with one writer thread, as `run.py` builds it, timed in this process."""
    shutil.rmtree(folder, ignore_errors=True)
    engine = peers.TantivyEngine(corpus, folder, k=10, heap_mb=heap_mb)
    tantivy = engine.tantivy
    folder.mkdir(parents=True)
    index = tantivy.Index(engine.schema, path=str(folder))
    index.register_tokenizer(engine.TOKENIZER, engine.analyzer)
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    engine.add_corpus(index)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    del index
    return {"seconds": seconds, "cpu_seconds": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "bytes": peers.folder_bytes(folder)}


def summary(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "values": values}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description="Indexing throughput of Sift against tantivy, interleaved.")
    parser.add_argument("--work", default="/tmp/sift-peers", help="run.py's work folder (default /tmp/sift-peers)")
    parser.add_argument("--20news", dest="news", action="store_true", help="index 20 Newsgroups")
    parser.add_argument("--news-corpus", default=str(peers.REPO.parent / "shared" / "data" / "20news-bydate"))
    parser.add_argument("--docs", type=int, action="append", default=[], metavar="N", help="index the synthetic corpus of N documents")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--sift-bin", default=str(peers.REPO / ".build" / "release"))
    parser.add_argument("--tantivy-heap-mb", type=int, default=2000)
    parser.add_argument("--memory-budget", type=int, default=None, metavar="MB", help="Sift's --memory-budget (default Sift's own)")
    parser.add_argument("--contenders", default="sift1,sift2,tantivy", help="comma-separated subset of sift1,sift2,tantivy")
    arguments = parser.parse_args(argv)
    work = Path(arguments.work).resolve()
    if os.environ.get(peers.IN_VENV_MARK) != "1":
        # run.py's environment (made by run.py), with this script run again inside it.
        python = work / "venv" / "bin" / "python"
        if not python.exists():
            sys.exit(f"no virtual environment in {work}: run run.py --work {work} once first")
        environment = dict(os.environ, **{peers.IN_VENV_MARK: "1"})
        os.execve(str(python), [str(python), str(Path(__file__).resolve()), *argv], environment)
    sift = Path(arguments.sift_bin) / "sift"
    corpora = []
    if arguments.news:
        news = Path(arguments.news_corpus).resolve()
        corpora.append(peers.Corpus("20news", news, work / "queries" / "20news", [], "plain", "text"))
    for documents in arguments.docs:
        name = f"synthetic-{documents}"
        if not (work / "corpora" / name / ".complete").exists():
            sys.exit(f"no corpus {name} in {work}/corpora: run run.py --docs {documents} first")
        corpora.append(peers.Corpus(name, work / "corpora" / name, work / "queries" / name, [], "query", "jsonl"))
    contenders = arguments.contenders.split(",")
    scratch = work / "tmp" / "indexing"
    started = datetime.datetime.now(datetime.timezone.utc)
    report = {"date": started.isoformat(timespec="seconds"), "machine": peers.machine_description(),
              "sift_commit": peers.git_commit(), "tantivy": peers.TANTIVY_VERSION, "rounds": arguments.rounds,
              "memory_budget_mb": arguments.memory_budget, "corpora": []}
    for corpus in corpora:
        corpus_bytes = corpus.byte_count()
        runs: dict[str, list[dict]] = {name: [] for name in contenders}
        loads = []
        for round_number in range(arguments.rounds):
            order = contenders[round_number % len(contenders):] + contenders[:round_number % len(contenders)]
            loads.append(os.getloadavg()[0])
            for name in order:
                folder = scratch / name
                if name == "tantivy":
                    result = tantivy_build(corpus, folder, arguments.tantivy_heap_mb)
                else:
                    result = sift_build(sift, corpus, folder, jobs=int(name.removeprefix("sift")), budget=arguments.memory_budget)
                runs[name].append(result)
                peers.log(f"{corpus.name} round {round_number + 1} {name}: {result['seconds']:.2f} s, "
                          f"{corpus_bytes / 1e6 / result['seconds']:.1f} MB/s, CPU {result['cpu_seconds']:.2f} s")
                shutil.rmtree(folder, ignore_errors=True)
        result = {"corpus": corpus.name, "corpus_bytes": corpus_bytes, "load_by_round": loads, "contenders": {}}
        for name, values in runs.items():
            seconds = summary([run["seconds"] for run in values])
            cpu = summary([run["cpu_seconds"] for run in values])
            entry = {"seconds": seconds, "cpu_seconds": cpu, "mb_per_s": corpus_bytes / 1e6 / seconds["median"],
                     "mb_per_cpu_s": corpus_bytes / 1e6 / cpu["median"], "bytes": values[-1]["bytes"]}
            if "peak_rss_mb" in values[0]:
                entry["peak_rss_mb"] = summary([run["peak_rss_mb"] for run in values])
            result["contenders"][name] = entry
        report["corpora"].append(result)
        print(f"\n{corpus.name} ({corpus_bytes / 1e6:.1f} MB), {arguments.rounds} rounds, load {min(loads):.1f}–{max(loads):.1f}")
        print("| contender | wall s median (range) | MB/s | CPU s median (range) | MB per CPU s | peak RSS MB |")
        print("|---|---|---|---|---|---|")
        for name, entry in result["contenders"].items():
            rss = f"{entry['peak_rss_mb']['median']:.0f}" if "peak_rss_mb" in entry else "—"
            print(f"| {name} | {entry['seconds']['median']:.2f} ({entry['seconds']['min']:.2f}–{entry['seconds']['max']:.2f}) | "
                  f"{entry['mb_per_s']:.1f} | {entry['cpu_seconds']['median']:.2f} ({entry['cpu_seconds']['min']:.2f}–"
                  f"{entry['cpu_seconds']['max']:.2f}) | {entry['mb_per_cpu_s']:.1f} | {rss} |")
        contenders_found = result["contenders"]
        if "sift1" in contenders_found and "tantivy" in contenders_found:
            sift1, tantivy = contenders_found["sift1"], contenders_found["tantivy"]
            print(f"Sift one job ÷ tantivy: throughput {tantivy['seconds']['median'] / sift1['seconds']['median']:.2f}× (wall), "
                  f"{tantivy['cpu_seconds']['median'] / sift1['cpu_seconds']['median']:.2f}× (CPU)")
        if "sift1" in contenders_found and "sift2" in contenders_found:
            print(f"Sift two jobs ÷ one job: {contenders_found['sift1']['seconds']['median'] / contenders_found['sift2']['seconds']['median']:.2f}× (wall)")
    path = work / "results" / f"indexing-{started.strftime('%Y%m%d-%H%M%S')}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=1))
    print(f"\nJSON: {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
