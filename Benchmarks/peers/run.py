#!/usr/bin/env python3
"""Sift against its peers (tantivy, PISA): one command from nothing to a latency table.

What it does, in order:

1. makes a virtual environment in the work folder and installs the pinned peers from PyPI
   (`tantivy`, `pyterrier-pisa`), then runs itself again inside it;
2. builds Sift's release binaries (`swift build -c release`) unless told not to;
3. makes each corpus and its query sets in the work folder (`sift-bench generate` for the
   synthetic corpus, `sift-bench subject-queries` for 20 Newsgroups), unless already there;
4. indexes each corpus in each engine with matching analysis, one thread each, timing it
   and measuring the index (reused on later runs unless `--reindex`);
5. runs the same query files per class, top 10, one thread, engines taking turns in blocks
   of queries over several rounds (Sift in a separate `sift-bench search` process that
   writes each query's latency with `--samples-out`);
6. times a query that matches nothing through each binding (the per-call floor);
7. prints a table per corpus with p50/p99 and Sift ÷ peer ratios, and writes a JSON file.

Run `python3 Benchmarks/peers/run.py --help` for the options. Nothing here is run by
`swift test` or CI.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gc
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

TANTIVY_VERSION = "0.27.0"
PYTERRIER_PISA_VERSION = "0.4.9"
PINNED = [f"tantivy=={TANTIVY_VERSION}", f"pyterrier-pisa=={PYTERRIER_PISA_VERSION}"]

# Sift's default English stop words (Sources/Sift/Analysis/StopWords.swift), Lucene's 33.
STOP_WORDS = (
    "a an and are as at be but by for if in into is it no not of on or such that the their "
    "then there these they this to was will with"
).split()

SYNTHETIC_CLASSES = ["term1", "or2", "and2", "or5", "phrase", "prefix"]
SUBJECT_CLASS = "subject"
ENGINES = ["sift", "tantivy", "pisa"]
# What each peer cannot run (no positions in PISA, no prefix expansion in its binding).
UNSUPPORTED = {"pisa": {"phrase", "prefix"}}
UNKNOWN_WORD = "qxzvjkwq"  # in no corpus: every engine answers no hits
REPO = Path(__file__).resolve().parents[2]
IN_VENV_MARK = "SIFT_PEERS_IN_VENV"


def log(message: str) -> None:
    """Progress on stderr with the time of day, so a long run shows where it is."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_command(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Runs a command, failing loudly with its output when it fails."""
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit(f"command failed ({result.returncode}): {' '.join(command)}\n{result.stdout}\n{result.stderr}")
    return result


# ---------------------------------------------------------------------------------------------
# Options and the virtual environment
# ---------------------------------------------------------------------------------------------


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """The command line (see --help)."""
    parser = argparse.ArgumentParser(
        prog="Benchmarks/peers/run.py",
        description="Index the same corpora in Sift, tantivy and PISA with matching analysis and "
        "compare query latency per query class (one thread, top 10), indexing time and index size.",
        epilog="Example: python3 Benchmarks/peers/run.py --20news --docs 10000 --docs 1000000 --work /tmp/sift-peers. "
        "Without --20news or --docs it runs --20news --docs 10000.",
    )
    parser.add_argument("--work", default="/tmp/sift-peers", help="scratch folder for the venv, corpora, query sets, indexes and results (default /tmp/sift-peers)")
    parser.add_argument("--20news", dest="news", action="store_true", help="run 20 Newsgroups with its subject-line queries")
    parser.add_argument("--news-corpus", default=str(REPO.parent / "shared" / "data" / "20news-bydate"), help="the 20 Newsgroups folder (default ../shared/data/20news-bydate beside the repository)")
    parser.add_argument("--docs", type=int, action="append", default=[], metavar="N", help="run a synthetic corpus of N documents (sift-bench generate --seed 1); repeatable")
    parser.add_argument("--queries", type=int, default=200, help="queries per class of the synthetic corpus (default 200)")
    parser.add_argument("--subjects", type=int, default=1000, help="subject-line queries for 20 Newsgroups (default 1000)")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated subset of sift,tantivy,pisa (default all)")
    parser.add_argument("-k", type=int, default=10, help="hits per query (default 10)")
    parser.add_argument("--block", type=int, default=50, help="queries per block: engines take turns a block at a time (default 50)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all blocks; each query is timed once per round per engine (default 3)")
    parser.add_argument("--floor-repeat", type=int, default=1000, help="timed calls of the no-match query per binding (default 1000)")
    parser.add_argument("--tantivy-heap-mb", type=int, default=2000, help="tantivy writer memory (one thread; default 2000, so a 1M corpus stays one segment)")
    parser.add_argument("--pisa-or", default="block_max_wand", help="PISA algorithm for OR queries (default block_max_wand, pyterrier-pisa's default)")
    parser.add_argument("--pisa-and", default="block_max_ranked_and", help="PISA algorithm for AND queries (default block_max_ranked_and)")
    parser.add_argument("--reindex", action="store_true", help="rebuild every index even when the work folder has one")
    parser.add_argument("--no-build", action="store_true", help="do not run swift build -c release (use the binaries as they are)")
    parser.add_argument("--sift-bin", default=str(REPO / ".build" / "release"), help="folder with sift and sift-bench (default .build/release of this repository)")
    parser.add_argument("--json", default=None, metavar="FILE", help="where to write the JSON results ('-' for stdout; default WORK/results/peers-DATE.json)")
    arguments = parser.parse_args(argv)
    if not arguments.news and not arguments.docs:
        arguments.news, arguments.docs = True, [10000]
    arguments.engines = [name.strip() for name in arguments.engines.split(",") if name.strip()]
    unknown = set(arguments.engines) - set(ENGINES)
    if unknown or "sift" not in arguments.engines:
        parser.error(f"--engines must include sift and name only {', '.join(ENGINES)}")
    arguments.work = Path(arguments.work).resolve()
    return arguments


def ensure_virtual_environment(work: Path) -> None:
    """Creates WORK/venv with the pinned peers (once) and runs this script again inside it."""
    if os.environ.get(IN_VENV_MARK) == "1":
        return
    venv = work / "venv"
    python = venv / "bin" / "python"
    if not python.exists():
        log(f"creating the virtual environment {venv}")
        work.mkdir(parents=True, exist_ok=True)
        run_command([sys.executable, "-m", "venv", str(venv)])
    check = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('tantivy'), m.version('pyterrier-pisa'))"],
        capture_output=True, text=True,
    )
    if check.stdout.split() != [TANTIVY_VERSION, PYTERRIER_PISA_VERSION]:
        log(f"installing {' '.join(PINNED)} (a few minutes the first time)")
        run_command([str(python), "-m", "pip", "install", "--quiet", *PINNED])
    environment = dict(os.environ, **{IN_VENV_MARK: "1"})
    os.execve(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]], environment)


# ---------------------------------------------------------------------------------------------
# Corpora and query sets
# ---------------------------------------------------------------------------------------------


class Corpus:
    """One corpus: where its files and query sets are, and how its queries are read."""

    def __init__(self, name: str, folder: Path, query_folder: Path, classes: list[str], syntax: str, kind: str):
        self.name = name
        self.folder = folder
        self.query_folder = query_folder
        self.classes = classes
        self.syntax = syntax  # "query" (Sift's query language) or "plain" (prose words)
        self.kind = kind  # "jsonl" or "text"

    def queries(self, query_class: str) -> list[tuple[str, str]]:
        """The (id, text) pairs of one class's TSV file."""
        pairs = []
        with open(self.query_folder / f"{query_class}.tsv", encoding="utf-8") as file:
            for line in file:
                parts = line.rstrip("\n").split("\t", 1)
                if len(parts) == 2:
                    pairs.append((parts[0], parts[1]))
        return pairs

    def byte_count(self) -> int:
        """Bytes of the corpus files the engines read."""
        return sum(path.stat().st_size for path in corpus_files(self))


def prepare_synthetic(work: Path, bench: Path, documents: int, queries: int) -> Corpus:
    """`sift-bench generate --docs N --seed 1` into WORK/corpora, once (a marker file says done)."""
    name = f"synthetic-{documents}"
    folder, query_folder = work / "corpora" / name, work / "queries" / name
    marker = folder / ".complete"
    wanted = f"docs={documents} seed=1 queries={queries}\n"
    if not marker.exists() or marker.read_text() != wanted:
        log(f"generating {name}")
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(query_folder, ignore_errors=True)
        folder.mkdir(parents=True)
        query_folder.mkdir(parents=True)
        run_command([str(bench), "generate", "--docs", str(documents), "--seed", "1", "--out", str(folder),
                     "--queries-out", str(query_folder), "--queries", str(queries)])
        marker.write_text(wanted)
    return Corpus(name, folder, query_folder, SYNTHETIC_CLASSES, "query", "jsonl")


def prepare_news(work: Path, bench: Path, news: Path, count: int) -> Corpus:
    """20 Newsgroups in place (never copied) and its subject-line queries in WORK/queries/20news."""
    if not news.is_dir():
        sys.exit(f"no 20 Newsgroups corpus at {news} (give --news-corpus DIR)")
    query_folder = work / "queries" / "20news"
    query_folder.mkdir(parents=True, exist_ok=True)
    result = run_command([str(bench), "subject-queries", "--corpus", str(news), "--count", str(count)])
    (query_folder / f"{SUBJECT_CLASS}.tsv").write_text(result.stdout, encoding="utf-8")
    return Corpus("20news", news, query_folder, [SUBJECT_CLASS], "plain", "text")


def corpus_files(corpus: Corpus) -> list[Path]:
    """The files `sift index` reads, in its order: recursive, names in byte order, hidden and
    symbolically linked entries skipped, only the corpus's kind of file."""
    suffix = ".jsonl" if corpus.kind == "jsonl" else ".txt"
    found = []

    def walk(folder: Path) -> None:
        for entry in sorted(os.scandir(folder), key=lambda e: os.fsencode(e.name)):
            if entry.name.startswith(".") or entry.is_symlink():
                continue
            if entry.is_dir():
                walk(Path(entry.path))
            elif entry.is_file() and entry.name.endswith(suffix):
                found.append(Path(entry.path))

    walk(corpus.folder)
    return found


def read_documents(corpus: Corpus):
    """Yields (id, title, text) per document as Sift sees them: a JSONL line's id, title and
    text; a text file's path relative to the corpus, first non-empty line and whole content
    (invalid UTF-8 replaced, which the analyzers treat as a separator, as Sift does)."""
    for path in corpus_files(corpus):
        if corpus.kind == "jsonl":
            with open(path, encoding="utf-8") as file:
                for line in file:
                    if line.strip():
                        record = json.loads(line)
                        text = record.get("text") or record.get("contents") or record.get("body") or ""
                        yield str(record["id"]), record.get("title") or "", text
        else:
            text = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
            title = next((line.strip() for line in text.splitlines() if line.strip()), "")
            yield str(path.relative_to(corpus.folder)), title, text


# ---------------------------------------------------------------------------------------------
# Engines: indexing and one query
# ---------------------------------------------------------------------------------------------


def folder_bytes(folder: Path) -> int:
    """Bytes of every regular file under a folder."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def file_digest(path: Path) -> str:
    """The start of a file's SHA-256: a rebuilt `sift` binary invalidates Sift's saved indexes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def load_build_record(folder: Path, reindex: bool, identity: dict):
    """The saved indexing record of an index, when it exists, matches and may be reused."""
    record_path = folder.parent / f"{folder.name}.build.json"
    if reindex or not record_path.exists() or not folder.exists():
        return None
    record = json.loads(record_path.read_text())
    return record if record.get("identity") == identity else None


def save_build_record(folder: Path, record: dict) -> dict:
    """Writes the indexing record beside the index and returns it."""
    (folder.parent / f"{folder.name}.build.json").write_text(json.dumps(record, indent=1))
    return record


class SiftEngine:
    """Sift through its release binaries: `sift index --jobs 1 --stemmer porter2` and
    `sift-bench search --samples-out` (in-process timing, ids and titles read for every hit)."""

    name = "sift"

    def __init__(self, bin_folder: Path, corpus: Corpus, folder: Path, k: int):
        self.sift = bin_folder / "sift"
        self.bench = bin_folder / "sift-bench"
        self.corpus, self.folder, self.k = corpus, folder, k
        self.version = run_command([str(self.sift), "--version"]).stdout.strip().removeprefix("sift ")

    def build(self, reindex: bool) -> dict:
        """Indexes the corpus with one thread, Snowball English (porter2) and the English stop words."""
        identity = {"engine": self.version, "corpus": str(self.corpus.folder), "binary": file_digest(self.sift)}
        record = load_build_record(self.folder, reindex, identity)
        if record:
            return record
        log(f"sift: indexing {self.corpus.name}")
        shutil.rmtree(self.folder, ignore_errors=True)
        start = time.perf_counter()
        run_command([str(self.sift), "index", str(self.corpus.folder), "--index", str(self.folder), "--full",
                     "--jobs", "1", "--stemmer", "porter2", "--stopwords", "english"])
        seconds = time.perf_counter() - start
        stats = json.loads(run_command([str(self.sift), "stats", "--index", str(self.folder), "--format", "json"]).stdout)
        return save_build_record(self.folder, {
            "identity": identity, "seconds": seconds, "bytes": folder_bytes(self.folder),
            "documents": stats.get("documents"), "segments": stats.get("segments"),
            "settings": "sift index --full --jobs 1 --stemmer porter2 --stopwords english (text and title fields, "
                        "positions, full text stored for snippets); time includes process start",
        })

    def run_block(self, queries: list[tuple[str, str]], scratch: Path) -> list[float]:
        """One `sift-bench search` process over a block: warm-up pass, then one timed pass; µs per query."""
        block_file, samples_file = scratch / "sift-block.tsv", scratch / "sift-samples.tsv"
        block_file.write_text("".join(f"{qid}\t{text}\n" for qid, text in queries), encoding="utf-8")
        run_command([str(self.bench), "search", "--index", str(self.folder), "--queries", str(block_file),
                     "-k", str(self.k), "--repeat", "1", "--syntax", self.corpus.syntax, "--samples-out", str(samples_file)])
        return [float(line.split("\t")[1]) for line in samples_file.read_text().splitlines() if line]

    def floor(self, repeat: int, scratch: Path) -> list[float]:
        """Latencies of the no-match query, in-process (no binding in between)."""
        count = max(1, repeat // 5)
        samples = []
        for _ in range(5):
            samples += self.run_block([(str(i), UNKNOWN_WORD) for i in range(count)], scratch)
        return samples

    def top_ids(self, query_class: str, scratch: Path) -> dict[str, list[str]]:
        """Sift's top-k ids per query of a class (untimed), through `sift search --format trec`."""
        result = run_command([str(self.sift), "search", "--index", str(self.folder), "--queries",
                              str(self.corpus.query_folder / f"{query_class}.tsv"), "--format", "trec",
                              "-k", str(self.k), "--syntax", self.corpus.syntax])
        ranking: dict[str, list[str]] = {}
        for line in result.stdout.splitlines():
            fields = line.split()
            if len(fields) >= 3:
                ranking.setdefault(fields[0], []).append(fields[2])
        return ranking


def sift_analyzer_for_tantivy(tantivy):
    """tantivy's analyzer closest to Sift's: simple tokenizer (runs of letters and digits),
    tokens of 256 bytes or more dropped, lowercase, Sift's 33 stop words, Snowball English."""
    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    for step in (tantivy.Filter.remove_long(256), tantivy.Filter.lowercase(),
                 tantivy.Filter.custom_stopword(STOP_WORDS), tantivy.Filter.stemmer("english")):
        builder = builder.filter(step)
    return builder.build()


class TantivyEngine:
    """tantivy through tantivy-py: text and title fields with the Sift-like analyzer and
    positions, title and text stored (as Sift stores them), the document number as a u64 fast
    field read for every hit with `Searcher.fast_field_values` (no stored-document fetch).

    The fast field holds the number scrambled (times an odd constant, modulo 2^40), not the
    number itself: tantivy-py opens the column on every `fast_field_values` call, and tantivy
    stores the numbers 0…N-1 in a blockwise-linear column whose opening reads every block's
    header, about 35 µs a call at 1M documents; scrambled values are bit-packed and open in
    O(1) (under 1 µs). The scramble is undone with the inverse constant."""

    name = "tantivy"
    TOKENIZER = "sift_english"
    MASK = (1 << 40) - 1
    SCRAMBLE = 0x9E3779B97F4A7C15 & MASK | 1
    UNSCRAMBLE = pow(SCRAMBLE, -1, 1 << 40)

    def __init__(self, corpus: Corpus, folder: Path, k: int, heap_mb: int):
        import tantivy
        self.tantivy = tantivy
        self.corpus, self.folder, self.k, self.heap_mb = corpus, folder, k, heap_mb
        self.version = TANTIVY_VERSION
        self.analyzer = sift_analyzer_for_tantivy(tantivy)
        builder = tantivy.SchemaBuilder()
        builder.add_unsigned_field("number", fast=True)
        builder.add_text_field("title", stored=True, tokenizer_name=self.TOKENIZER, index_option="position")
        builder.add_text_field("text", stored=True, tokenizer_name=self.TOKENIZER, index_option="position")
        self.schema = builder.build()
        self.ids: list[str] = []
        self.index = self.searcher = None

    def add_corpus(self, index) -> None:
        """Feeds every document of the corpus to `index` with one writer thread and commits."""
        writer = index.writer(heap_size=self.heap_mb * 1_000_000, num_threads=1)
        for number, (_, title, text) in enumerate(read_documents(self.corpus)):
            document = self.tantivy.Document()
            document.add_unsigned("number", number * self.SCRAMBLE & self.MASK)
            document.add_text("title", title)
            document.add_text("text", text)
            writer.add_document(document)
        writer.commit()
        writer.wait_merging_threads()

    def build(self, reindex: bool) -> dict:
        """Indexes with one writer thread; the time runs from reading the corpus files to the
        committed index, Python's reading and JSON parsing included (measured apart as `feed_seconds`)."""
        identity = {"engine": f"tantivy {self.version}", "corpus": str(self.corpus.folder), "heap_mb": self.heap_mb, "schema": 3}
        record = load_build_record(self.folder, reindex, identity)
        if not record:
            log(f"tantivy: indexing {self.corpus.name}")
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder.mkdir(parents=True)
            index = self.tantivy.Index(self.schema, path=str(self.folder))
            index.register_tokenizer(self.TOKENIZER, self.analyzer)
            start = time.perf_counter()
            self.add_corpus(index)
            seconds = time.perf_counter() - start
            start = time.perf_counter()
            for _ in read_documents(self.corpus):
                pass
            feed_seconds = time.perf_counter() - start
            index.reload()
            record = save_build_record(self.folder, {
                "identity": identity, "seconds": seconds, "feed_seconds": feed_seconds,
                "bytes": folder_bytes(self.folder), "documents": index.searcher().num_docs,
                "segments": index.searcher().num_segments,
                "settings": f"writer(heap {self.heap_mb} MB, num_threads=1); simple tokenizer, remove_long(256), lowercase, "
                            "Sift's 33 stop words, stemmer english; title and text indexed with positions and stored; "
                            "u64 fast field 'number' (scrambled document number)",
            })
        self.open()
        return record

    def open(self) -> None:
        """Opens the index for searching and reads the document ids (number → id)."""
        self.index = self.tantivy.Index.open(str(self.folder))
        self.index.register_tokenizer(self.TOKENIZER, self.analyzer)
        self.index.reload()
        self.searcher = self.index.searcher()
        self.ids = [doc_id for doc_id, _, _ in read_documents(self.corpus)]

    def compile(self, query_class: str, text: str):
        """A function running one query: query text to (score, id) hits. Building the query
        (parsing, analysis) happens inside it, so it is timed as Sift's is."""
        tantivy, schema, index, searcher, ids, k = self.tantivy, self.schema, self.index, self.searcher, self.ids, self.k
        if query_class == "prefix":
            # tantivy-py has no scored prefix query; a regex query scores every match 1.0.
            pattern = re.escape(text.rstrip("*").lower()) + ".*"

            def build():
                return tantivy.Query.regex_query(schema, "text", pattern)
        elif self.corpus.syntax == "plain":
            analyzer, should = self.analyzer, tantivy.Occur.Should

            def build():
                terms = analyzer.analyze(text)
                return tantivy.Query.boolean_query([(should, tantivy.Query.term_query(schema, "text", term)) for term in terms])
        else:
            def build():
                return index.parse_query(text, ["text"])

        unscramble, mask = self.UNSCRAMBLE, self.MASK

        def run():
            hits = searcher.search(build(), k, count=False).hits
            values = searcher.fast_field_values("number", [address for _, address in hits])
            return [(score, ids[value * unscramble & mask]) for (score, _), value in zip(hits, values)]
        return run


@contextlib.contextmanager
def native_output_to(path: Path):
    """Sends file descriptors 1 and 2 (where PISA's C++ logs and progress bars go) to a file for a while."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    with open(path, "w") as file:
        os.dup2(file.fileno(), 1)
        os.dup2(file.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            for descriptor, copy in zip((1, 2), saved):
                os.dup2(copy, descriptor)
                os.close(copy)


class PisaEngine:
    """PISA through pyterrier-pisa: Porter2 and Lucene's 33 stop words (the same list as
    Sift's) at query time, BM25 k1 = 1.2, b = 0.75; queries go straight to the binding's
    `_pisathon.retrieve` (one query a call, no DataFrame), which returns docnos."""

    name = "pisa"

    def __init__(self, corpus: Corpus, folder: Path, k: int, or_algorithm: str, and_algorithm: str):
        import numpy
        import pyterrier_pisa
        from pyterrier_pisa import _pisathon
        self.numpy, self.pisa, self.native = numpy, pyterrier_pisa, _pisathon
        self.corpus, self.folder, self.k = corpus, folder, k
        self.or_algorithm, self.and_algorithm = or_algorithm, and_algorithm
        self.version = PYTERRIER_PISA_VERSION
        self.context = None

    def retriever(self):
        """The BM25 retrieval transformer; building it the first time compresses the index
        and writes its block-max data."""
        index = self.pisa.PisaIndex(str(self.folder), stemmer="porter2", stops="lucene", threads=1)
        return index.bm25(k1=1.2, b=0.75, num_results=self.k, threads=1)

    def build(self, reindex: bool) -> dict:
        """Indexes the text (no title: bare words search the text in Sift) with one thread,
        then compresses it for BM25; the time covers both and Python's feeding of the documents."""
        identity = {"engine": f"pyterrier-pisa {self.version}", "corpus": str(self.corpus.folder)}
        record = load_build_record(self.folder, reindex, identity)
        if not record:
            log(f"pisa: indexing {self.corpus.name}")
            shutil.rmtree(self.folder, ignore_errors=True)
            with native_output_to(self.folder.parent / "pisa-build.log"):
                start = time.perf_counter()
                index = self.pisa.PisaIndex(str(self.folder), stemmer="porter2", stops="lucene", threads=1)
                index.index({"docno": doc_id, "text": text} for doc_id, _, text in read_documents(self.corpus))
                self.context = self.retriever()._ctxt
                seconds = time.perf_counter() - start
            compressed = [p for p in self.folder.iterdir() if p.name.startswith("bm25.")]
            search_files = compressed + [self.folder / name for name in ("fwd.termlex", "fwd.doclex")]
            record = save_build_record(self.folder, {
                "identity": identity, "seconds": seconds, "bytes": folder_bytes(self.folder),
                "search_bytes": sum(p.stat().st_size for p in search_files if p.is_file()),
                "documents": index.num_docs(), "segments": 1,
                "settings": "PisaIndex(stemmer porter2, threads=1: TBB gets 2) + bm25(k1 1.2, b 0.75) compression "
                            "(block_simdbp, block-max data); text only, no positions; stop words (Lucene's 33) "
                            "dropped at query time, so they are indexed; bytes = whole folder (forward index "
                            "included), search_bytes = compressed index + block-max data + lexicons",
            })
        if self.context is None:
            with native_output_to(self.folder.parent / "pisa-open.log"):
                self.context = self.retriever()._ctxt
        return record

    def compile(self, query_class: str, text: str):
        """A function running one query: PISA tokenizes, stems and drops stop words itself;
        `+a +b` runs conjunctively (the `+` are dropped), everything else as OR."""
        numpy, native, context, k = self.numpy, self.native, self.context, self.k
        algorithm = self.and_algorithm if query_class == "and2" else self.or_algorithm
        words = text.replace("+", " ") if query_class == "and2" else text
        qidxs, docnos = numpy.empty(k, dtype=numpy.int32), numpy.empty(k, dtype=object)
        ranks, scores = numpy.empty(k, dtype=numpy.int32), numpy.empty(k, dtype=numpy.float32)

        def run():
            count = native.retrieve(context, algorithm, [(0, words)], k=k, threads=1, pretokenised=False,
                                    query_weighted=0, result_qidxs=qidxs, result_docnos=docnos,
                                    result_ranks=ranks, result_scores=scores)
            return list(zip(scores[:count].tolist(), docnos[:count].tolist()))
        return run


# ---------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile, as sift-bench reports it: the smallest sample with at least p%
    of the samples at or below it."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    rank = -(-p * len(ordered) // 100)  # ceiling
    return ordered[min(max(int(rank), 1), len(ordered)) - 1]


def time_python_block(functions) -> list[float]:
    """A warm-up pass over a block's query functions, then one timed pass; µs per query.
    Python's garbage collector is paused for the timed pass: a full collection walks every
    object of the process (a million document ids), a pause that belongs to no engine."""
    for function in functions:
        function()
    samples = []
    clock = time.perf_counter_ns
    gc.disable()
    try:
        for function in functions:
            start = clock()
            function()
            samples.append((clock() - start) / 1000)
    finally:
        gc.enable()
    return samples


def measure_corpus(corpus: Corpus, engines: dict, arguments: argparse.Namespace, scratch: Path) -> dict:
    """Runs every class's queries: for each round, for each block of `--block` queries, each
    engine in turn (the order rotating) does a warm-up pass and a timed pass. Returns samples
    per class and engine, the peers' top-k ids (from the first round) and the one-minute load
    average at the start of each round and at the end (another busy process shows there)."""
    samples = {c: {name: [] for name in engines} for c in corpus.classes}
    hits = {c: {name: {} for name in engines if name != "sift"} for c in corpus.classes}
    blocks = []
    for query_class in corpus.classes:
        queries = corpus.queries(query_class)
        for start in range(0, len(queries), arguments.block):
            blocks.append((query_class, queries[start:start + arguments.block]))
    names = list(engines)
    loads = []
    for round_number in range(arguments.rounds):
        log(f"{corpus.name}: round {round_number + 1} of {arguments.rounds} ({len(blocks)} blocks)")
        loads.append(os.getloadavg()[0])
        for block_number, (query_class, queries) in enumerate(blocks):
            shift = (block_number + round_number) % len(names)
            for name in names[shift:] + names[:shift]:
                if query_class in UNSUPPORTED.get(name, ()):
                    continue
                engine = engines[name]
                if name == "sift":
                    samples[query_class][name] += engine.run_block(queries, scratch)
                    continue
                functions = [engine.compile(query_class, text) for _, text in queries]
                samples[query_class][name] += time_python_block(functions)
                if round_number == 0:  # the ids, once, for the overlap check (untimed)
                    for (qid, _), function in zip(queries, functions):
                        hits[query_class][name][qid] = [doc_id for _, doc_id in function()]
    loads.append(os.getloadavg()[0])
    return {"samples": samples, "hits": hits, "loads": loads}


def measure_floor(engine, corpus: Corpus, repeat: int, scratch: Path) -> list[float]:
    """The per-call floor: latencies of a query of one unknown word through the engine's path."""
    if engine.name == "sift":
        return engine.floor(repeat, scratch)
    query_class = "term1" if "term1" in corpus.classes else corpus.classes[0]
    function = engine.compile(query_class, UNKNOWN_WORD)
    assert function() == [], "the floor's query must match nothing"
    for _ in range(min(repeat, 100)):
        function()
    return time_python_block([function] * repeat)


def trec_id(doc_id: str) -> str:
    """A document id as `sift search --format trec` writes it: without its file extension."""
    head, _, last = doc_id.rpartition("/")
    stem = last.rsplit(".", 1)[0] if "." in last.lstrip(".") else last
    return f"{head}/{stem}" if head else stem


def overlap(sift_ranking: dict, peer_ranking: dict, k: int) -> float | None:
    """Mean share of Sift's top-k ids that the peer's top k also holds, over queries where
    Sift has hits (a check that the analysis matches, not a quality measure)."""
    shares = []
    for qid, sift_ids in sift_ranking.items():
        if sift_ids and qid in peer_ranking:
            peer = {trec_id(doc_id) for doc_id in peer_ranking[qid]}
            shares.append(len(peer & set(sift_ids[:k])) / min(k, len(sift_ids)))
    return sum(shares) / len(shares) if shares else None


# ---------------------------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------------------------


def git_commit() -> str:
    """The repository's commit, marked when the work tree has changes."""
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True).stdout.strip()
    return commit + ("-dirty" if dirty else "")


def machine_description() -> dict:
    """uname -a, core count, memory, processor, load and the toolchain versions."""
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), platform.processor())
    memory = next((line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")), "0")
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True)
    return {
        "uname": subprocess.run(["uname", "-a"], capture_output=True, text=True).stdout.strip(),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(int(memory) / 1024 / 1024, 1),
        "python": platform.python_version(),
        "swift": (swift.stdout or swift.stderr).splitlines()[0] if (swift.stdout or swift.stderr) else "unknown",
        "load_average_at_start": list(os.getloadavg()),
    }


def summarize(values: list[float]) -> dict:
    """p50, p90, p99, mean and count of µs samples."""
    if not values:
        return {}
    return {"p50_us": percentile(values, 50), "p90_us": percentile(values, 90), "p99_us": percentile(values, 99),
            "mean_us": sum(values) / len(values), "samples": len(values)}


def ratio(sift_samples, peer_samples, key: str):
    """Sift's percentile over the peer's, from their samples; None when one is missing."""
    if not sift_samples or not peer_samples:
        return None
    return summarize(sift_samples)[key] / summarize(peer_samples)[key]


def format_us(value) -> str:
    """µs with precision that suits the size."""
    if value is None or value != value:
        return "—"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def format_ratio(a, b) -> str:
    """a ÷ b to two decimals, or a dash."""
    return f"{a / b:.2f}" if a and b else "—"


def print_corpus_table(result: dict) -> None:
    """The latency table of one corpus (class × engine), the floors and the indexing figures."""
    peers = [name for name in result["engines"] if name != "sift"]
    print(f"\n## {result['corpus']}: {result['documents']:,} documents, {result['corpus_bytes'] / 1e6:.1f} MB; "
          f"{result['rounds']} rounds, blocks of {result['block']}, top {result['k']}, one thread; µs")
    header = ["class", "queries", "Sift p50", "p99"]
    for peer in peers:
        header += [f"{peer} p50", "p99"]
    for peer in peers:
        header += [f"Sift÷{peer} p50", "p99"]
    rows = [header]
    for query_class, per_engine in result["latency"].items():
        sift = per_engine.get("sift", {})
        row = [query_class, str(result["query_counts"][query_class]), format_us(sift.get("p50_us")), format_us(sift.get("p99_us"))]
        for peer in peers:
            stats = per_engine.get(peer, {})
            row += [format_us(stats.get("p50_us")), format_us(stats.get("p99_us"))]
        for peer in peers:
            stats = per_engine.get(peer, {})
            row += [format_ratio(sift.get("p50_us"), stats.get("p50_us")), format_ratio(sift.get("p99_us"), stats.get("p99_us"))]
        rows.append(row)
    print_markdown(rows)
    floors = ", ".join(f"{name} {format_us(f['p50_us'])} / {format_us(f['p99_us'])}" for name, f in result["floors"].items())
    print(f"\nLoad average (1 min) at each round's start and at the end: {', '.join(f'{x:.2f}' for x in result['load_by_round'])}")
    print(f"Per-call floor (a one-word query matching nothing, p50 / p99 µs): {floors}")
    overlaps = []
    for query_class, per_peer in result["overlap_at_k"].items():
        parts = [f"{peer} {value:.2f}" for peer, value in per_peer.items() if value is not None]
        if parts:
            overlaps.append(f"{query_class}: " + ", ".join(parts))
    if overlaps:
        print(f"Top-{result['k']} overlap with Sift (share of Sift's ids): " + "; ".join(overlaps))
    rows = [["engine", "indexing s", "MB/s", "docs/s", "index MB", "segments", "notes"]]
    for name, build in result["indexing"].items():
        note = ""
        if "feed_seconds" in build:
            note = f"Python read+parse of the corpus alone: {build['feed_seconds']:.2f} s"
        if "search_bytes" in build:
            note = f"{build['search_bytes'] / 1e6:.1f} MB needed to search (no forward index)"
        rows.append([name, f"{build['seconds']:.2f}", f"{result['corpus_bytes'] / 1e6 / build['seconds']:.1f}",
                     f"{result['documents'] / build['seconds']:,.0f}", f"{build['bytes'] / 1e6:.1f}",
                     str(build.get("segments", "")), note])
    print()
    print_markdown(rows)


def print_markdown(rows: list[list[str]]) -> None:
    """A Markdown table with aligned columns."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for number, row in enumerate(rows):
        print("| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |")
        if number == 0:
            print("|" + "|".join("-" * (width + 2) for width in widths) + "|")


NOTES = [
    "Sift is timed in-process by sift-bench (no binding); tantivy and PISA through their Python bindings, "
    "whose per-call floor is printed beside the results.",
    "tantivy's prefix class is a regex query (prefix.*): every match scores 1.0 (constant), no BM25; Sift "
    "ranks prefix expansions (at most 128 terms) by BM25.",
    "PISA has no positions (no phrase class) and its binding no prefix query; and2 runs as a conjunctive "
    "(ranked AND) query, the other classes as OR.",
    "Analysis: Sift porter2 (Snowball English 3.x) + 33 stop words; tantivy simple tokenizer + lowercase + "
    "the same stop words + stemmer english (rust-stemmers); PISA's English tokenizer + porter2 + the same "
    "list. Tokenizers and stemmer versions differ in details (apostrophes, acronyms, a few stems).",
    "Indexing: one thread each, from the corpus files to a committed index; tantivy and PISA include "
    "Python's reading (and JSON parsing) of the corpus; PISA's threads=1 gives TBB two threads.",
]


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def main(argv: list[str]) -> None:
    """Everything, in the order of the module's docstring."""
    arguments = parse_arguments(argv)
    ensure_virtual_environment(arguments.work)
    work = arguments.work
    bin_folder = Path(arguments.sift_bin)
    if not arguments.no_build:
        log("building Sift (swift build -c release)")
        run_command(["swift", "build", "-c", "release"], cwd=REPO)
    bench = bin_folder / "sift-bench"
    started = datetime.datetime.now(datetime.timezone.utc)
    corpora = []
    if arguments.news:
        corpora.append(prepare_news(work, bench, Path(arguments.news_corpus).resolve(), arguments.subjects))
    for documents in arguments.docs:
        corpora.append(prepare_synthetic(work, bench, documents, arguments.queries))
    write_layout(work)
    scratch = work / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    report = {
        "date": started.isoformat(timespec="seconds"),
        "machine": machine_description(),
        "versions": {"sift": None, "sift_commit": git_commit(), "tantivy": TANTIVY_VERSION, "pyterrier-pisa": PYTERRIER_PISA_VERSION},
        "settings": {"k": arguments.k, "block": arguments.block, "rounds": arguments.rounds, "engines": arguments.engines,
                     "pisa_or": arguments.pisa_or, "pisa_and": arguments.pisa_and, "tantivy_heap_mb": arguments.tantivy_heap_mb},
        "notes": NOTES,
        "corpora": [],
    }
    for corpus in corpora:
        index_root = work / "indexes" / corpus.name
        index_root.mkdir(parents=True, exist_ok=True)
        engines = {"sift": SiftEngine(bin_folder, corpus, index_root / "sift", arguments.k)}
        report["versions"]["sift"] = engines["sift"].version
        if "tantivy" in arguments.engines:
            engines["tantivy"] = TantivyEngine(corpus, index_root / "tantivy", arguments.k, arguments.tantivy_heap_mb)
        if "pisa" in arguments.engines:
            engines["pisa"] = PisaEngine(corpus, index_root / "pisa", arguments.k, arguments.pisa_or, arguments.pisa_and)
        indexing = {name: engine.build(arguments.reindex) for name, engine in engines.items()}
        measured = measure_corpus(corpus, engines, arguments, scratch)
        log(f"{corpus.name}: floors and top-{arguments.k} overlap")
        floors = {name: summarize(measure_floor(engine, corpus, arguments.floor_repeat, scratch)) for name, engine in engines.items()}
        overlaps = {}
        for query_class in corpus.classes:
            sift_ranking = engines["sift"].top_ids(query_class, scratch)
            overlaps[query_class] = {peer: overlap(sift_ranking, ranking, arguments.k)
                                     for peer, ranking in measured["hits"][query_class].items() if ranking}
        result = {
            "corpus": corpus.name, "folder": str(corpus.folder), "documents": indexing["sift"]["documents"],
            "corpus_bytes": corpus.byte_count(), "k": arguments.k, "rounds": arguments.rounds, "block": arguments.block,
            "engines": list(engines), "query_syntax": corpus.syntax,
            "query_counts": {c: len(corpus.queries(c)) for c in corpus.classes},
            "latency": {c: {name: summarize(values) for name, values in per.items() if values}
                        for c, per in measured["samples"].items()},
            "sift_over_peer": {c: {peer: {p.removesuffix("_us"): ratio(per.get("sift"), per.get(peer), p) for p in ("p50_us", "p99_us")}
                                   for peer in engines if peer != "sift" and per.get(peer)}
                               for c, per in measured["samples"].items()},
            "load_by_round": measured["loads"], "floors": floors, "overlap_at_k": overlaps,
            "indexing": {name: {key: value for key, value in build.items() if key != "identity"} for name, build in indexing.items()},
        }
        report["corpora"].append(result)
        print_corpus_table(result)
        sys.stdout.flush()
    report["machine"]["load_average_at_end"] = list(os.getloadavg())
    report["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    print(f"\n{report['date']} · {report['machine']['uname']} · {report['machine']['nproc']} cores · "
          f"{report['machine']['cpu']} · Sift {report['versions']['sift']} ({report['versions']['sift_commit']}), "
          f"tantivy {TANTIVY_VERSION}, pyterrier-pisa {PYTERRIER_PISA_VERSION} · load {report['machine']['load_average_at_start'][0]:.2f} → "
          f"{report['machine']['load_average_at_end'][0]:.2f}")
    for note in NOTES:
        print(f"- {note}")
    text = json.dumps(report, indent=1)
    if arguments.json == "-":
        print(text)
    else:
        path = Path(arguments.json) if arguments.json else work / "results" / f"peers-{started.strftime('%Y%m%d-%H%M%S')}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"\nJSON: {path}")


def write_layout(work: Path) -> None:
    """WORK/LAYOUT.txt: where things are, for whoever reuses the work folder."""
    (work / "LAYOUT.txt").write_text(
        "Work folder of Benchmarks/peers/run.py (Sift against tantivy and PISA).\n\n"
        "venv/                      Python virtual environment with the pinned tantivy and pyterrier-pisa\n"
        "corpora/synthetic-N/       sift-bench generate --docs N --seed 1 (JSONL parts; .complete marks it done)\n"
        "queries/synthetic-N/       its query sets: term1, or2, and2, or5, phrase, prefix .tsv (id<TAB>query, 200 each)\n"
        "queries/20news/subject.tsv sift-bench subject-queries --count 1000 over 20news-bydate (corpus read in place)\n"
        "indexes/<corpus>/sift      sift index --jobs 1 --stemmer porter2 (English stop words)\n"
        "indexes/<corpus>/tantivy   tantivy-py index (Sift-like analyzer, positions, u64 fast field 'number')\n"
        "indexes/<corpus>/pisa      PISA index (porter2; compressed bm25.k1-1.2.b-0.75.* files)\n"
        "indexes/<corpus>/*.build.json  indexing time, size and settings of each index\n"
        "results/peers-*.json       the reports of each run\n"
        "tmp/                       query blocks and Sift's per-query samples while running\n"
        + "\nPresent now:\n"
        + "".join(f"{folder.relative_to(work)}/\n" for kind in ("corpora", "queries", "indexes")
                  for folder in sorted((work / kind).glob("*")) if folder.is_dir())
    )


if __name__ == "__main__":
    main(sys.argv[1:])
