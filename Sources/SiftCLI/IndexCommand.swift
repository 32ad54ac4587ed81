import Sift

/// `sift index`: builds the index of one or more folders and commits it atomically.
enum IndexCommand {
    static let spec = CommandSpec(
        name: "index",
        overview: "Index the articles under one or more folders (replacing the index atomically).",
        usage: "sift index DIR... [--index PATH] [--unit file|paragraph|line] [--include GLOB]... [--exclude GLOB]... [--stemmer porter|porter2|none] [--stopwords english|none|FILE] [--max-file-size BYTES] [--jobs N] [--memory-budget MB]",
        arguments: [("DIR", "Folders to index, walked recursively (hidden entries and symbolic links are skipped).")],
        options: [
            OptionSpec(names: ["--index"], valueName: "PATH", help: "Index folder (default: ./index-data)."),
            OptionSpec(names: ["--unit"], valueName: "file|paragraph|line", help: "One document per file (default), per blank-line-separated paragraph, or per non-empty line."),
            OptionSpec(names: ["--include"], valueName: "GLOB", help: "Only index files whose relative path or name matches (repeatable).", repeatable: true),
            OptionSpec(names: ["--exclude"], valueName: "GLOB", help: "Skip files whose relative path or name matches (repeatable).", repeatable: true),
            OptionSpec(names: ["--stemmer"], valueName: "porter|porter2|none", help: "Stemmer stored with the index (default: porter)."),
            OptionSpec(names: ["--stopwords"], valueName: "english|none|FILE", help: "Stop words stored with the index (default: english)."),
            OptionSpec(names: ["--max-file-size"], valueName: "BYTES", help: "Skip larger files with a warning (default: 67108864, 64 MiB)."),
            OptionSpec(names: ["--jobs"], valueName: "N", help: "Threads for reading and analysis (default: the number of cores); the index is the same for any N."),
            OptionSpec(names: ["--memory-budget"], valueName: "MB", help: "Postings held in memory before a partial segment is written and merged at the end (default: 512)."),
        ],
        discussion: "File kinds: .txt, .md, .html/.htm, .jsonl (one document per line: id, title, text|contents|body).")

    static func run(_ arguments: [String]) throws(CLIError) {
        let parsed = try spec.parse(arguments)
        guard !parsed.positionals.isEmpty else { throw spec.usageError("missing folder to index (DIR)") }
        let configuration = try AnalyzeCommand.analyzerConfiguration(parsed, spec: spec)
        let unitName = try parsed.choice("--unit", default: "file", among: DocumentUnit.allCases.map(\.rawValue), spec: spec)
        let maxFileSize = try parsed.integer("--max-file-size", default: IngestOptions.defaultMaxFileSize, range: 1...Int(UInt32.max), spec: spec)
        let jobs = try parsed.integer("--jobs", default: ProcessInfoLite.coreCount, range: 1...256, spec: spec)
        let budget = try parsed.integer("--memory-budget", default: 512, range: 16...1_048_576, spec: spec)
        let indexPath = parsed.value("--index") ?? "index-data"
        var options = IngestOptions()
        options.unit = DocumentUnit(rawValue: unitName)!
        options.include = parsed.all("--include")
        options.exclude = parsed.all("--exclude")
        options.maxFileSize = maxFileSize

        let clock = ContinuousClock()
        let started = clock.now
        let walk: (candidates: [CandidateFile], skipped: [SkippedInput])
        do {
            walk = try CorpusWalker(roots: parsed.positionals, options: options).walk()
        } catch {
            throw .noInput("\(error)")
        }
        let writer: IndexWriter
        do {
            writer = try IndexWriter(path: indexPath, configuration: configuration, jobs: jobs, memoryBudget: budget << 20)
        } catch {
            throw mapIndexError(error)
        }
        var skipped = walk.skipped
        for skip in walk.skipped { Output.warning("skipped \(skip)") }
        var progress = Progress(total: walk.candidates.count)
        let ingest: FileIngestSummary
        do {
            ingest = try writer.addFiles(walk.candidates, extractor: DocumentExtractor(options: options)) { step in
                progress.update(files: step.files, bytes: step.bytes, documents: step.documents)
            }
        } catch {
            throw mapIndexError(error)
        }
        progress.finish()
        for skip in ingest.skipped { Output.warning("skipped \(skip)") }
        skipped += ingest.skipped
        let filesIndexed = ingest.filesIndexed
        let bytesRead = ingest.bytesRead
        if writer.documentCount == 0 {
            Output.warning("no documents found under \(parsed.positionals.joined(separator: ", ")); writing an empty index")
        }
        let summary: CommitSummary
        do {
            summary = try writer.commit()
        } catch {
            throw mapIndexError(error)
        }
        writer.close()
        let seconds = seconds(since: started, clock: clock)
        var reasons: [String: Int] = [:]
        for skip in skipped { reasons[skip.reason.category, default: 0] += 1 }
        let reasonText = reasons.isEmpty ? "" : " (" + reasons.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ")"
        Output.line("Indexed \(summary.documentCount) documents from \(filesIndexed) files into \(indexPath)")
        Output.line("  skipped:  \(skipped.count)\(reasonText)")
        Output.line("  terms:    \(summary.termCount)")
        Output.line("  postings: \(summary.postingCount)")
        Output.line("  tokens:   \(summary.tokenCount)")
        Output.line("  bytes:    \(summary.byteCount) in \(summary.files.count) files")
        Output.line("  time:     \(Format.fixed(seconds, decimals: 2)) s (\(Format.fixed(Double(bytesRead) / 1_048_576 / max(seconds, 1e-9), decimals: 1)) MB/s, \(Int((Double(summary.documentCount) / max(seconds, 1e-9)).rounded())) documents/s)")
    }
}

/// A progress line on stderr while indexing, when stderr is a terminal; silent otherwise.
struct Progress {
    let total: Int
    let enabled = Output.stderrIsTerminal
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant
    private var lastShown: ContinuousClock.Instant

    init(total: Int) {
        self.total = total
        started = clock.now
        lastShown = started
    }

    mutating func update(files: Int, bytes: Int, documents: Int) {
        guard enabled else { return }
        let now = clock.now
        guard now - lastShown > .milliseconds(200) else { return }
        lastShown = now
        let elapsed = seconds(since: started, clock: clock)
        let rate = Int((Double(documents) / max(elapsed, 1e-9)).rounded())
        Output.errorInline("\rfiles \(files)/\(total)  \(Format.fixed(Double(bytes) / 1_048_576, decimals: 1)) MB  \(documents) documents  \(rate) documents/s   ")
    }

    func finish() {
        if enabled { Output.errorInline("\r\u{1B}[K") }
    }
}

func seconds(since start: ContinuousClock.Instant, clock: ContinuousClock) -> Double {
    let duration = clock.now - start
    return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Maps library errors to exit statuses: missing index 66, damage 65, locks and I/O 74.
func mapIndexError(_ error: IndexError) -> CLIError {
    switch error {
    case .missingIndex: .noInput(error.description)
    case .corrupt, .newerFormat: .data(error.description)
    case .locked, .io, .writerClosed: .io(error.description)
    case .documentOutOfRange: .data(error.description)
    }
}

extension SkipReason {
    /// A short word for the summary's count of skips by kind.
    var category: String {
        switch self {
        case .tooLarge: "too large"
        case .binary: "binary"
        case .unreadable: "unreadable"
        case .badJSONLine: "bad JSON lines"
        }
    }
}

/// Number formatting without Foundation.
enum Format {
    /// `value` with exactly `decimals` digits after the point.
    static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let negative = value < 0
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { return "\(value)" }
        let integer = UInt64(scaled)
        let whole = integer / UInt64(scale)
        var fraction = String(integer % UInt64(scale))
        while fraction.count < decimals { fraction = "0" + fraction }
        return (negative && integer != 0 ? "-" : "") + "\(whole)" + (decimals > 0 ? "." + fraction : "")
    }
}

/// The number of cores, without Foundation.
enum ProcessInfoLite {
    static var coreCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

#if canImport(Glibc)
import Glibc
#endif
