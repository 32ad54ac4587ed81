#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Sift

/// While `sift index` holds an index's lock, SIGINT (Ctrl-C) and SIGTERM remove the temporary
/// files of the unfinished commit before the process ends, so an interrupted run leaves the
/// previous index and nothing else. Segments renamed into place but not yet committed, which
/// the handler cannot tell from ones a commit is about to name, are removed by the next
/// writer that takes the lock.
enum InterruptCleanup {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Handles SIGINT and SIGTERM for the writer of `index` (the caller holds its lock).
    static func install(index: String) {
        for number in [SIGINT, SIGTERM] {
            _ = signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: DispatchQueue(label: "sift.interrupt"))
            source.setEventHandler {
                // Unlinking a temporary the main thread is about to rename makes that rename
                // fail; a manifest.tmp unlinked first is never renamed into place, so the
                // index stays the previous one. Either way the process ends here.
                IndexWriter.removeTemporaryFiles(inIndex: index)
                Output.error("interrupted: the index '\(index)' is as it was before this run")
                _ = signal(number, SIG_DFL)
                _ = raise(number)
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
