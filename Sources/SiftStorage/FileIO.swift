#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call, with the path and the errno text, for messages people can act on.
public struct FileError: Error, Equatable, CustomStringConvertible {
    package init(path: String, operation: String, code: Int32) {
        self.path = path
        self.operation = operation
        self.code = code
    }

    /// The file or folder involved.
    public var path: String
    /// What was being done ("open", "write", "rename"…).
    public var operation: String
    /// The errno value.
    public var code: Int32

    public var description: String {
        "cannot \(operation) '\(path)': \(String(cString: strerror(code)))"
    }
}

/// Thin wrappers over POSIX file calls: retry on EINTR, loop on partial writes, close on every
/// path, and sync what a commit depends on.
package enum FileIO {
    /// Writes `bytes` to `path` (created or truncated) and syncs it to disk.
    /// On failure the file may be left, partly written: the caller removes it.
    package static func writeAndSync(_ bytes: [UInt8], to path: String) throws(FileError) {
        try FileFaults.check(.create, path)
        let fd = try open(path, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o644)
        defer { _ = Glibc.close(fd) }
        try FileFaults.check(.write, path)
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, operation: "write", code: errno)
            }
            written += result
        }
        try FileFaults.check(.sync, path)
        guard fsync(fd) == 0 else { throw FileError(path: path, operation: "sync", code: errno) }
    }

    /// Replaces `path` with `bytes` atomically: write a temporary file beside it, sync it, rename
    /// it over the target, sync the folder. A crash at any instant leaves the old or the new file.
    /// Without `syncingFolder` the caller syncs the folder itself (once for several files).
    /// If it fails before the rename, the temporary file is removed and `path` is as it was.
    package static func atomicReplace(_ path: String, with bytes: [UInt8], syncingFolder: Bool = true) throws(FileError) {
        let temporary = path + ".tmp"
        do {
            try writeAndSync(bytes, to: temporary)
            try rename(temporary, to: path)
        } catch {
            _ = unlink(temporary)
            throw error
        }
        if syncingFolder { try syncDirectory(parent(of: path)) }
    }

    /// Renames `source` to `destination`, replacing it.
    package static func rename(_ source: String, to destination: String) throws(FileError) {
        try FileFaults.check(.rename, destination)
        guard Glibc.rename(source, destination) == 0 else {
            throw FileError(path: destination, operation: "rename", code: errno)
        }
    }

    /// Reads a whole file (or pipe, or device) to its end, retrying on EINTR.
    package static func readAll(_ path: String) throws(FileError) -> [UInt8] {
        let fd = try open(path, flags: O_RDONLY)
        defer { _ = Glibc.close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, operation: "read", code: errno)
            }
            if count == 0 { return result }
            result.append(contentsOf: chunk[0..<count])
        }
    }

    /// The size of the file at `path`, or nil if it cannot be examined.
    package static func size(of path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    package static func syncDirectory(_ path: String) throws(FileError) {
        try FileFaults.check(.syncFolder, path)
        let fd = try open(path, flags: O_RDONLY | O_DIRECTORY)
        defer { _ = Glibc.close(fd) }
        guard fsync(fd) == 0 else { throw FileError(path: path, operation: "sync", code: errno) }
    }

    package static func open(_ path: String, flags: Int32, mode: mode_t = 0) throws(FileError) -> Int32 {
        while true {
            let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno == EINTR { continue }
            throw FileError(path: path, operation: "open", code: errno)
        }
    }

    package static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    package static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    package static func makeDirectory(_ path: String) throws(FileError) {
        if isDirectory(path) { return }
        // Create missing parents first, as `mkdir -p` does.
        let parentPath = parent(of: path)
        if parentPath != path && !parentPath.isEmpty && !exists(parentPath) { try makeDirectory(parentPath) }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw FileError(path: path, operation: "create folder", code: errno)
        }
    }

    /// Names in a folder (no `.` or `..`), sorted by bytes.
    package static func listDirectory(_ path: String) throws(FileError) -> [String] {
        guard let dir = opendir(path) else { throw FileError(path: path, operation: "list", code: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    package static func remove(_ path: String) {
        _ = unlink(path)
    }

    /// Reads `buffer.count` bytes at `offset` of the open file `fd` (named `path` in errors),
    /// retrying on EINTR and continuing after short reads; a file that ends first is an error.
    package static func read(_ fd: Int32, at offset: Int, into buffer: UnsafeMutableRawBufferPointer, path: String) throws(FileError) {
        var done = 0
        while done < buffer.count {
            let got = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if got < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, operation: "read", code: errno)
            }
            if got == 0 { throw FileError(path: path, operation: "read", code: EIO) }
            done += got
        }
    }

    package static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }
}

/// An exclusive, non-blocking lock on a file: one writer per index at a time. The kernel drops
/// it when the process dies, so a killed `sift index` never leaves a stale lock.
package final class FileLock {
    private let fd: Int32
    package let path: String

    /// Takes the lock or throws `.busy` at once.
    package init(path: String) throws(FileLockError) {
        self.path = path
        let fd: Int32
        do {
            fd = try FileIO.open(path, flags: O_RDWR | O_CREAT, mode: 0o644)
        } catch {
            throw .io(error)
        }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let code = errno
            _ = Glibc.close(fd)
            if code == EWOULDBLOCK { throw .busy(path) }
            throw .io(FileError(path: path, operation: "lock", code: code))
        }
        self.fd = fd
    }

    deinit {
        _ = flock(fd, LOCK_UN)
        _ = Glibc.close(fd)
    }
}

/// Why a lock could not be taken.
package enum FileLockError: Error {
    /// Another process holds it.
    case busy(String)
    /// The lock file could not be opened.
    case io(FileError)
}
