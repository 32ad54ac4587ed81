#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Sift
import Synchronization

/// While `sift index` holds an index's lock, SIGINT (Ctrl-C) and SIGTERM remove the temporary
/// files of the unfinished commit before the process ends, so an interrupted run leaves the
/// previous index and nothing else. Segments renamed into place but not yet committed, which
/// the handler cannot tell from ones a commit is about to name, are removed by the next
/// writer that takes the lock. The process exits with 128 + the signal's number.
enum InterruptCleanup {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    private static let interrupted = Atomic<Bool>(false)

    /// Called where the writer fails: once a signal came, its handler ends the process (the
    /// writer failing is its doing), so the failure is not reported as one.
    static func waitIfInterrupted() {
        guard interrupted.load(ordering: .sequentiallyConsistent) else { return }
        while true { pause() }
    }

    /// Handles SIGINT and SIGTERM for the writer of `index` (the caller holds its lock).
    static func install(index: String) {
        for number in [SIGINT, SIGTERM] {
            _ = signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: DispatchQueue(label: "sift.interrupt"))
            source.setEventHandler {
                interrupted.store(true, ordering: .sequentiallyConsistent)
                // Unlinking a temporary the main thread is about to rename makes that rename
                // fail; a manifest.tmp unlinked first is never renamed into place, so the
                // index stays the previous one. Either way the process ends here.
                // No file is created under the index from now on (the writer's next write fails),
                // then what it had begun is removed; twice, for a file opened just as it stopped.
                IndexWriter.refuseWrites(inIndex: index)
                IndexWriter.removeTemporaryFiles(inIndex: index)
                usleep(5_000)
                IndexWriter.removeTemporaryFiles(inIndex: index)
                Output.error("interrupted: the index '\(index)' is as it was before this run")
                // At once, whatever the main thread is doing, with the shell's status for a
                // process ended by the signal (130 for SIGINT, 143 for SIGTERM).
                _exit(128 + number)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Restores the default handling once the writer is done.
    static func uninstall() {
        for source in sources { source.cancel() }
        sources = []
        for number in [SIGINT, SIGTERM] { _ = signal(number, SIG_DFL) }
    }
}
