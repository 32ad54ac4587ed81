import Synchronization

/// One index shared by a whole program: searches from any number of tasks, writes one at a
/// time, and every commit published to the searches that follow — in the manner of GRDB's
/// `DatabasePool` and Lucene's `SearcherManager`.
///
/// ```swift
/// let index = try SearchIndex(path: "my-index")
/// try index.write { writer in
///     try writer.add(id: "a", title: "Kabul", text: "The Taliban entered Kabul.")
/// }                                                   // committed, and searched from now on
/// let titles = try index.read { searcher in
///     try searcher.search("kabul").hits.map(\.title)
/// }
/// ```
///
/// **Reads.** `read` lends its closure a `Searcher` of the newest snapshot the index has
/// published, taken from a pool (so a search never pays for making a searcher), and takes it
/// back afterwards; a search and the snippets and explanations of its results belong in one
/// `read`. Reads never wait for writes or for each other.
///
/// **Writes.** `write` runs its closure with the index's one `IndexWriter` — opened at the
/// first write, and kept (with the index's lock) until `releaseWriter()` — and commits what
/// it did when it returns; when it throws, nothing it did is committed. The new snapshot is
/// then published: the next `read` searches it.
///
/// **Commits by others.** Another process (`sift index`, say) may commit to the same index
/// while this one only reads. `refresh()` picks up such a commit (one small read of the
/// manifest when there is none); `refreshPeriodically(every:)` does so in a loop, for a
/// long-lived service to run in a task of its own. `snapshots()` tells when a new snapshot is
/// published, whoever committed it.
///
/// A new snapshot is prepared before it is published: its unchanged segments are shared with
/// the previous one (`IndexReader.reopenIfChanged()`), and the per-document tables BM25 needs
/// are made then, so no search after a commit pays O(documents).
public final class SearchIndex: Sendable {
    /// The index folder.
    public let path: String
    private let state: Mutex<ReadState>
    private let writing: Mutex<WriteState>
    /// Serializes refreshes, so two of them never publish out of order.
    private let refreshing = Mutex<Void>(())

    /// Searchers are not thread-safe; the pool hands each to one read at a time.
    private final class PooledSearcher: @unchecked Sendable {
        let searcher: Searcher
        init(_ searcher: Searcher) { self.searcher = searcher }
    }

    /// The writer is used only under `writing`'s lock.
    private final class WriterBox: @unchecked Sendable {
        let writer: IndexWriter
        init(_ writer: IndexWriter) { self.writer = writer }
    }

    private struct ReadState {
        var reader: IndexReader
        /// Searchers of `reader` not lent out.
        var idle: [PooledSearcher]
        var observers: [Int: AsyncStream<IndexSnapshot>.Continuation] = [:]
        var nextObserver = 0
    }

    private struct WriteState {
        var writer: WriterBox?
        let configuration: AnalyzerConfiguration?
    }

    /// Opens the index at `path`, creating an empty one (with `configuration`, or the default
    /// settings) when there is none.
    ///
    /// Opening reads and maps the newest commit; it takes no lock, so other processes may keep
    /// writing the index until this one writes.
    ///
    /// - Parameter configuration: the analyzer settings of a new index; for an existing one,
    ///   nil takes its own, and given settings must equal them (checked at the first write).
    /// - Throws: `IndexError` when the index cannot be read, or cannot be created.
    public init(path: String, configuration: AnalyzerConfiguration? = nil) throws(IndexError) {
        self.path = path
        let reader: IndexReader
        do {
            reader = try IndexReader(path: path)
        } catch .missingIndex {
            // Create it (an empty commit), so that readers have something to open.
            let writer = try IndexWriter(path: path, configuration: configuration, mode: .openOrCreate)
            defer { writer.close() }
            if writer.hasChanges { try writer.commit() }
            reader = try IndexReader(path: path)
        }
        state = Mutex(ReadState(reader: reader, idle: [Self.prepared(reader)]))
        writing = Mutex(WriteState(writer: nil, configuration: configuration))
    }

    /// The reader of the snapshot reads see now (`Sendable`: statistics, stored documents).
    public var reader: IndexReader { state.withLock { $0.reader } }

    /// The snapshot reads see now.
    public var snapshot: IndexSnapshot { reader.snapshot }

    // MARK: - Reading

    /// Runs `body` with a searcher of the newest published snapshot, and returns what it
    /// returns. Any number of reads may run at once, on any threads or tasks, while a write
    /// runs too. The searcher must not outlive the call.
    public func read<Result, Failure: Error>(_ body: (Searcher) throws(Failure) -> Result) throws(Failure) -> Result {
        let lent = borrow()
        defer { giveBack(lent) }
        return try body(lent.searcher)
    }

    private func borrow() -> PooledSearcher {
        let (idle, reader) = state.withLock { state in (state.idle.popLast(), state.reader) }
        return idle ?? PooledSearcher(Searcher(reader: reader))
    }

    private func giveBack(_ lent: PooledSearcher) {
        state.withLock { state in
            // A searcher of a snapshot no longer published is dropped with it.
            guard lent.searcher.reader === state.reader else { return }
            state.idle.append(lent)
        }
    }

    // MARK: - Writing

    /// Runs `body` with the index's writer, then commits what it did (if anything) and
    /// publishes the new snapshot; returns what `body` returns. Writes run one at a time.
    ///
    /// When `body` throws, nothing it added or deleted is committed (the writer is closed,
    /// which drops it, and opened again by the next write). `body` may commit itself (to
    /// commit in several steps, or read its `CommitSummary`); what remains is committed at
    /// the end.
    ///
    /// `body` may throw errors of its own (they end the write as an `IndexError` would), so
    /// `write` throws `any Error`: `IndexError` for what the index refused, or what `body` threw.
    ///
    /// - Throws: what `body` throws; `IndexError` when the writer cannot be opened (the index
    ///   is locked by another writer, damaged, or has other analyzer settings than asked) or
    ///   the commit fails (the index on disk then stays as it was).
    @discardableResult
    public func write<Result>(_ body: (IndexWriter) throws -> Result) throws -> Result {
        let outcome: Swift.Result<Result, any Error> = writing.withLock { (state: inout WriteState) -> Swift.Result<Result, any Error> in
            do {
                let box: WriterBox
                if let open = state.writer {
                    box = open
                } else {
                    box = WriterBox(try IndexWriter(path: path, configuration: state.configuration, mode: .openOrCreate))
                    state.writer = box
                }
                do {
                    let value = try body(box.writer)
                    if box.writer.hasChanges { try box.writer.commit() }
                    return .success(value)
                } catch {
                    // Drops what was not committed; a failed commit leaves the writer unusable too.
                    box.writer.close()
                    state.writer = nil
                    throw error
                }
            } catch {
                return .failure(error)
            }
        }
        // What `body` committed itself before it threw is published too.
        do {
            try refresh()
        } catch {
            if case .success = outcome { throw error }
        }
        return try outcome.get()
    }

    /// Closes the writer a `write` opened and releases the index's lock, so another process
    /// may write the index. The next `write` opens a writer again (and checks the index's
    /// checksums again). Reads are not affected.
    public func releaseWriter() {
        writing.withLock { state in
            state.writer?.writer.close()
            state.writer = nil
        }
    }

    // MARK: - New snapshots

    /// Publishes the index's newest commit if it is not the one reads see (a commit of another
    /// process, or of an `IndexWriter` used outside `write`); returns whether it did. Costs one
    /// small read of the manifest when nothing changed.
    /// - Throws: `IndexError` when the new commit cannot be read; reads keep the snapshot they
    ///   had.
    @discardableResult
    public func refresh() throws(IndexError) -> Bool {
        try refreshing.withLock { (_: inout Void) throws(IndexError) -> Bool in
            let current = state.withLock { $0.reader }
            guard let next = try current.reopenIfChanged() else { return false }
            let warm = Self.prepared(next)
            let observers = state.withLock { state in
                state.reader = next
                state.idle = [warm]
                return Array(state.observers.values)
            }
            for observer in observers { observer.yield(next.snapshot) }
            return true
        }
    }

    /// Calls `refresh()` every `interval` until the task running it is cancelled — for a
    /// long-lived service that must see commits made by other processes:
    ///
    /// ```swift
    /// try await withThrowingTaskGroup(of: Void.self) { group in
    ///     group.addTask { try await index.refreshPeriodically(every: .seconds(1)) }
    ///     group.addTask { try await serve(index) }
    ///     try await group.next()
    /// }
    /// ```
    /// - Throws: the `IndexError` of a refresh that failed (the loop ends; reads keep the
    ///   snapshot they had). Cancellation ends the loop without an error.
    public func refreshPeriodically(every interval: Duration) async throws(IndexError) {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            try refresh()
        }
    }

    /// The snapshots reads see: the current one at once, then each one as it is published
    /// (after a `write`, or a `refresh()` that found a new commit). A consumer that falls
    /// behind gets the newest only. The stream ends when the consumer's task is cancelled or
    /// it stops iterating.
    public func snapshots() -> AsyncStream<IndexSnapshot> {
        AsyncStream(bufferingPolicy: .bufferingNewest(1)) { continuation in
            let id = state.withLock { state in
                let id = state.nextObserver
                state.nextObserver += 1
                state.observers[id] = continuation
                continuation.yield(state.reader.snapshot)
                return id
            }
            continuation.onTermination = { [weak self] _ in
                _ = self?.state.withLock { $0.observers.removeValue(forKey: id) }
            }
        }
    }

    deinit {
        let observers = state.withLock { Array($0.observers.values) }
        for observer in observers { observer.finish() }
    }

    /// A searcher of `reader` with the per-document tables of the default BM25 parameters
    /// made, so the first search of a new snapshot costs what every other one does.
    private static func prepared(_ reader: IndexReader) -> PooledSearcher {
        let searcher = Searcher(reader: reader)
        searcher.prepare(for: BM25Parameters())
        return PooledSearcher(searcher)
    }
}
