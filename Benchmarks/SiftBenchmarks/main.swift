#if canImport(Glibc)
import Glibc
#endif
import Sift

let usage = """
    OVERVIEW: sift-bench — measures Sift's analysis, indexing and search speed.

    USAGE: sift-bench <benchmark> [options]

    BENCHMARKS:
      analyze   Analysis throughput (tokenize + fold + stop words + stem), MB/s and tokens/s.
                [--corpus DIR] [--stemmer porter|porter2|none] [--iterations N] [--warmup N] [--json]
                Default corpus: ../shared/data/bbc, or generated text when it is absent.
      index     Indexing throughput and peak memory over a folder, end to end (walk, read, analyze, write).
                --corpus DIR [--unit file|paragraph|line] [--jobs N] [--memory-budget MB] [--iterations N] [--json]
      reindex   Incremental re-indexing against a full build: a copy of the corpus is indexed in full, then each
                round changes a share of its files (60% edited, 20% removed, 20% added) and updates the index.
                --corpus DIR [--change 0.01] [--rounds N] [--full-runs N] [--jobs N] [--seed S] [--json]
      search    Query latency, in-process, after warm-up: p50/p90/p99 µs, queries/s (--threads N), postings/s.
                --index PATH --queries FILE.tsv [-k N] [--repeat N] [--syntax plain|query] [--exhaustive] [--threads N] [--rm3 [--fb-docs N] [--fb-terms N]] [--filter FILTER] [--format text|json]
                [--samples-out FILE]: also write each timed query's latency, one `id<TAB>µs` line per sample.
                Queries are plain words by default (subject lines are prose, not query syntax).
      shards    Several indexes searched as one (global statistics, merged top k): p50/p90/p99 µs and queries/s.
                --indexes A,B,… --queries FILE.tsv [-k N] [--repeat N] [--jobs N] [--syntax plain|query] [--format json]
      open      Time to open an index (map files, read the manifest): p50/p90/p99 µs.
                --index PATH [--repeat N] [--verify] [--json]
      ids       Ids as keys and a searcher per task: the first id lookup, then per call deleteDocuments(withID:) and
                updateDocument of random live ids (never committed), and a search by a new Searcher against a reused one.
                --index PATH [--count N] [--seed S] [--json]
      generate  A deterministic synthetic corpus (JSONL files in DIR): Zipf vocabulary of 200,000 words, s = 1.1,
                about 100 tokens a document; with --queries-out DIR, query sets per class
                (term1, or2, and2, or5, phrase, prefix).
                --docs N --seed S --out DIR [--docs-per-file N] [--queries-out DIR] [--queries N]
      subject-queries
                Writes a query set (id<TAB>text) from the Subject: lines of a news corpus to stdout.
                --corpus DIR [--count N] [--seed S]

    """

func printError(_ text: String) {
    let bytes = Array((text + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress!, $0.count) }
}

func runBench() -> Int32 {
    let arguments = CommandLine.arguments
    guard arguments.count >= 2, !["-h", "--help"].contains(arguments[1]) else {
        print(usage, terminator: "")
        return arguments.count >= 2 ? 0 : 64
    }
    do {
        switch arguments[1] {
        case "analyze": try AnalyzeBenchmark.run(arguments.dropFirst(2))
        case "index": try IndexBenchmark.run(arguments.dropFirst(2))
        case "reindex": try ReindexBenchmark.run(arguments.dropFirst(2))
        case "search": try SearchBenchmark.run(arguments.dropFirst(2))
        case "shards": try ShardBenchmark.run(arguments.dropFirst(2))
        case "subject-queries": try SubjectQueries.run(arguments.dropFirst(2))
        case "generate": try CorpusGenerator.run(arguments.dropFirst(2))
        case "open": try OpenBenchmark.run(arguments.dropFirst(2))
        case "ids": try IDBenchmark.run(arguments.dropFirst(2))
        default: throw BenchError.usage("unknown benchmark '\(arguments[1])'")
        }
        return 0
    } catch let error as BenchError {
        switch error {
        case .usage(let message):
            printError("Error: \(message)\nUsage: sift-bench <analyze|index|reindex|search|open|generate|subject-queries> [options] (see sift-bench --help)")
            return 64
        case .failed(let message):
            printError("Error: \(message)")
            return 65
        }
    } catch {
        printError("Error: \(error)")
        return 74
    }
}

exit(runBench())
