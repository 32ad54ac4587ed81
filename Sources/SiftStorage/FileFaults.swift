#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A seam for tests: makes the file operations a writer performs under a folder fail on
/// demand, so that every step of a commit can be made to fail in turn (a full disk, a failed
/// sync) and what the failure leaves behind can be checked.
///
/// Nothing in the library installs a rule (`sift index`, interrupted, installs one that stops
/// every write before it removes its temporaries); with none installed, `check` costs one
/// atomic load.
/// Rules are scoped to a folder, so tests running in parallel in one process do not disturb
/// each other.
package enum FileFaults {
    /// The operations a rule can fail.
    package enum Operation: String, Sendable, CaseIterable {
        /// Creating or truncating a file for writing.
        case create
        /// Writing bytes to a file.
        case write
        /// `fsync` of a file.
        case sync
        /// Renaming a file into place.
        case rename
        /// `fsync` of a folder, which makes renames durable.
        case syncFolder
        /// Opening a document's file to read it (ingest).
        case read
    }

    /// Decides, for each operation on a path under the rule's folder, whether it fails: an
    /// errno to fail with, or nil to let it run.
    package typealias Rule = @Sendable (_ operation: Operation, _ path: String) -> Int32?

    private static let installed = Atomic<Int>(0)
    private static let rules = Mutex<[(folder: String, rule: Rule)]>([])

    /// Installs `rule` for paths under `folder` (the folder itself included) until `remove`.
    package static func install(under folder: String, _ rule: @escaping Rule) {
        rules.withLock { $0.append((folder, rule)) }
        installed.add(1, ordering: .sequentiallyConsistent)
    }

    /// Removes the rules installed for `folder`.
    package static func remove(under folder: String) {
        let removed = rules.withLock { rules -> Int in
            let before = rules.count
            rules.removeAll { $0.folder == folder }
            return before - rules.count
        }
        installed.subtract(removed, ordering: .sequentiallyConsistent)
    }

    /// Whether any rule is installed (so a caller can skip building a path for `check`).
    @inline(__always)
    package static var isActive: Bool { installed.load(ordering: .relaxed) > 0 }

    /// The errno a rule asks for `operation` on `path`, if any.
    package static func failure(_ operation: Operation, _ path: String) -> Int32? {
        isActive ? code(for: operation, path) : nil
    }

    /// Throws the error a rule asks for `operation` on `path`, if any.
    @inline(__always)
    package static func check(_ operation: Operation, _ path: String) throws(FileError) {
        guard installed.load(ordering: .relaxed) > 0 else { return }
        if let code = code(for: operation, path) {
            throw FileError(path: path, operation: operation.errorVerb, code: code)
        }
    }

    @inline(never)
    private static func code(for operation: Operation, _ path: String) -> Int32? {
        let matching = rules.withLock { rules in
            rules.filter { path == $0.folder || path.hasPrefix($0.folder.hasSuffix("/") ? $0.folder : $0.folder + "/") }
        }
        for (_, rule) in matching {
            if let code = rule(operation, path) { return code }
        }
        return nil
    }
}

extension FileFaults.Operation {
    /// The verb of the `FileError` a failure gives, as the real call's would be.
    var errorVerb: String {
        switch self {
        case .create: "open"
        case .write: "write"
        case .sync, .syncFolder: "sync"
        case .rename: "rename"
        case .read: "read"
        }
    }
}
