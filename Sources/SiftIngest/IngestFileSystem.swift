#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SiftStorage

/// The few POSIX calls ingest makes, wrapped so that callers never see `errno`, never retry
/// `EINTR` themselves and never leak a descriptor.
///
/// Ingest uses these rather than `FileManager` because it needs `lstat` semantics (a symbolic
/// link is reported as a link, never silently followed), directory entry names as raw bytes
/// (to sort them by byte order and to notice names that are not UTF-8), and file contents read
/// straight into `[UInt8]` with no `Data` in between.
package enum IngestFileSystem {
    /// What an entry is, as `lstat` (or `stat`, for roots) reports it.
    enum EntryKind: Equatable {
        case directory
        case regularFile
        case symbolicLink
        /// Devices, sockets and pipes: never read (opening a pipe could block forever).
        case other
    }

    /// The facts about an entry the walk needs.
    struct EntryStatus: Equatable {
        var kind: EntryKind
        var size: Int
        /// Device and inode: what tells the same file reached by two paths.
        var identity: FileIdentity
    }

    /// A file's device and inode numbers.
    struct FileIdentity: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    /// What hashing a file gave.
    package enum FingerprintOutcome: Equatable, Sendable {
        case fingerprint(FileFingerprint)
        /// The file is larger than the limit.
        case tooLarge(size: Int)
        /// The file could not be opened or read; the system's phrase for why.
        case unreadable(String)

        /// The fingerprint, if the file could be hashed.
        package var fingerprint: FileFingerprint? {
            if case .fingerprint(let value) = self { return value }
            return nil
        }
    }

    /// A failed call's `errno`, kept so the caller can choose what to report.
    struct Failure: Error, Equatable, CustomStringConvertible {
        var code: Int32
        /// The system's own phrase, e.g. `Permission denied`.
        var description: String { IngestFileSystem.describe(code) }
    }

    /// The result of reading a whole file.
    enum ReadOutcome: Equatable {
        case contents([UInt8])
        /// The file turned out larger than the limit (it may have grown since the walk).
        case tooLarge(size: Int)
        case failed(reason: String)
    }

    /// The fingerprint of the file `path` (relative to the open folder `folder`), read into
    /// `scratch` (grown as needed and reused across calls: hashing a whole corpus allocates
    /// nothing per file), or why there is none.
    /// A read stopping short at exactly `expectedSize` (the walk's) is taken as the end.
    static func fingerprint(atPath path: [UInt8], relativeTo folder: Int32, sizeLimit: Int, expectedSize: Int,
                            scratch: inout [UInt8]) -> FingerprintOutcome {
        let descriptor = openForReading(path, relativeTo: folder)
        guard descriptor >= 0 else { return .unreadable(describe(errno)) }
        defer { _ = close(descriptor) }
        if scratch.isEmpty { scratch = [UInt8](repeating: 0, count: 1 << 16) }
        switch fill(&scratch, from: descriptor, sizeLimit: sizeLimit, expectedSize: expectedSize) {
        case .contents(let filled):
            return .fingerprint(scratch.withUnsafeBytes { FileFingerprint(of: UnsafeRawBufferPointer(rebasing: $0[0..<filled])) })
        case .tooLarge(let size):
            return .tooLarge(size: size)
        case .failed(let reason):
            return .unreadable(reason)
        }
    }

    /// Opens `path` (bytes, which need not be UTF-8) for reading.
    private static func openForReading(_ path: [UInt8], relativeTo folder: Int32) -> Int32 {
        if FileFaults.isActive, let code = FileFaults.failure(.read, faultPath(path, relativeTo: folder)) {
            errno = code
            return -1
        }
        var terminated = path
        terminated.append(0)
        var descriptor: Int32
        repeat {
            descriptor = terminated.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { openat(folder, $0.baseAddress!, O_RDONLY | O_CLOEXEC) }
            }
        } while descriptor < 0 && errno == EINTR
        return descriptor
    }

    /// Reads `descriptor` to its end into `buffer` from the start, growing it as needed; the
    /// bytes read, or why not. A read stopping short at exactly `expectedSize` (the walk's) is
    /// taken as the end: a regular file read short of what was asked is at its end, and a
    /// file that changed size since the walk is read on to the end.
    private static func fill(_ buffer: inout [UInt8], from descriptor: Int32, sizeLimit: Int,
                             expectedSize: Int?) -> FillOutcome {
        var filled = 0
        while true {
            if filled == buffer.count {
                if filled > sizeLimit { return .tooLarge(size: filled) }
                buffer.append(contentsOf: repeatElement(0, count: Swift.max(buffer.count, 4096)))
            }
            let count = buffer.withUnsafeMutableBytes { raw in
                read(descriptor, raw.baseAddress! + filled, raw.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return .failed(reason: describe(errno))
            }
            if count == 0 { break }
            let asked = buffer.count - filled
            filled += count
            if count < asked && filled == expectedSize { break }
        }
        return filled > sizeLimit ? .tooLarge(size: filled) : .contents(filled)
    }

    private enum FillOutcome {
        case contents(Int)
        case tooLarge(size: Int)
        case failed(reason: String)
    }

    /// The path a fault rule sees for `path` opened in `folder`: absolute when `folder` is open.
    private static func faultPath(_ path: [UInt8], relativeTo folder: Int32) -> String {
        let name = String(decoding: path, as: UTF8.self)
        guard folder != currentFolder else { return name }
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/fd/\(folder)", &buffer, buffer.count - 1)
        guard length > 0 else { return name }
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) + "/" + name
    }

    /// Paths relative to the working folder, as `open` takes them.
    package static let currentFolder = AT_FDCWD

    /// An open folder, to read the files in it by name (`fingerprint(atPath:relativeTo:…)`);
    /// -1 if it cannot be opened.
    static func openFolder(_ path: String) -> Int32 {
        open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    }

    static func closeFolder(_ descriptor: Int32) {
        if descriptor >= 0 { _ = close(descriptor) }
    }

    /// The system's phrase for an `errno` value.
    static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// What is at `path`; a symbolic link itself unless `followingLinks`.
    static func status(ofPath path: String, followingLinks: Bool) -> Result<EntryStatus, Failure> {
        status(ofPath: Array(path.utf8), followingLinks: followingLinks)
    }

    /// What is at `path` (bytes, which need not be UTF-8); a symbolic link itself unless
    /// `followingLinks`.
    static func status(ofPath path: [UInt8], followingLinks: Bool) -> Result<EntryStatus, Failure> {
        var info = stat()
        var terminated = path
        terminated.append(0)
        let result = terminated.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { followingLinks ? stat($0.baseAddress!, &info) : lstat($0.baseAddress!, &info) }
        }
        guard result == 0 else { return .failure(Failure(code: errno)) }
        return .success(entryStatus(info))
    }

    /// The names in a folder as raw bytes, without `.` and `..`, in the order the system gives,
    /// each with what it is (a symbolic link itself). Each entry is examined relative to the open
    /// folder, so the kernel does not resolve the whole path again for every file.
    static func directoryEntries(atPath path: [UInt8]) -> Result<[(name: [UInt8], status: Result<EntryStatus, Failure>)], Failure> {
        var terminatedPath = path
        terminatedPath.append(0)
        let opened = terminatedPath.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { opendir($0.baseAddress!) }
        }
        guard let stream = opened else { return .failure(Failure(code: errno)) }
        defer { _ = closedir(stream) }
        let names: [[UInt8]]
        switch readNames(stream) {
        case .success(let found): names = found
        case .failure(let failure): return .failure(failure)
        }
        let folder = dirfd(stream)
        return .success(names.map { name in
            var info = stat()
            var terminated = name
            terminated.append(0)
            let result = terminated.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { fstatat(folder, $0.baseAddress!, &info, AT_SYMLINK_NOFOLLOW) }
            }
            guard result == 0 else { return (name, .failure(Failure(code: errno))) }
            return (name, .success(entryStatus(info)))
        })
    }

    private static func entryStatus(_ info: stat) -> EntryStatus {
        let kind: EntryKind
        switch info.st_mode & S_IFMT {
        case S_IFDIR: kind = .directory
        case S_IFREG: kind = .regularFile
        case S_IFLNK: kind = .symbolicLink
        default: kind = .other
        }
        return EntryStatus(kind: kind, size: Int(info.st_size),
                           identity: FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
    }

    private static func readNames(_ stream: OpaquePointer) -> Result<[[UInt8]], Failure> {
        var names: [[UInt8]] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                // readdir returns nil both at the end and on error; only errno tells them apart.
                if errno != 0 { return .failure(Failure(code: errno)) }
                break
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> [UInt8] in
                let length = raw.firstIndex(of: 0) ?? raw.count
                return Array(raw[..<length])
            }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            names.append(name)
        }
        return .success(names)
    }

    /// Reads a whole file into memory, giving up as soon as it exceeds `sizeLimit` bytes.
    ///
    /// The buffer is sized from `fstat` so a file is read without reallocation and the array
    /// keeps no slack capacity (documents hold on to it); it still grows if the file does.
    /// - Parameter expectedSize: the size the walk saw, if known: it saves a `fstat`, and a
    ///   read that stops short at exactly that size is taken as the end of the file (the
    ///   file still grows the buffer if it turns out larger).
    static func readFile(atPath path: String, sizeLimit: Int, expectedSize: Int? = nil) -> ReadOutcome {
        readFile(atPath: Array(path.utf8), sizeLimit: sizeLimit, expectedSize: expectedSize)
    }

    /// `readFile` of a path given as bytes (which need not be UTF-8).
    static func readFile(atPath path: [UInt8], sizeLimit: Int, expectedSize: Int? = nil) -> ReadOutcome {
        let descriptor = openForReading(path, relativeTo: currentFolder)
        guard descriptor >= 0 else { return .failed(reason: describe(errno)) }
        defer { _ = close(descriptor) }

        let expected: Int
        if let expectedSize {
            expected = expectedSize
        } else {
            var info = stat()
            guard fstat(descriptor, &info) == 0 else { return .failed(reason: describe(errno)) }
            expected = Int(info.st_size)
        }
        if expected > sizeLimit { return .tooLarge(size: expected) }

        // One byte of room past the expected size, so that reaching end-of-file needs no growth.
        var buffer = [UInt8](repeating: 0, count: expected + 1)
        switch fill(&buffer, from: descriptor, sizeLimit: sizeLimit, expectedSize: expectedSize) {
        case .contents(let filled):
            buffer.removeSubrange(filled...)
            return .contents(buffer)
        case .tooLarge(let size):
            return .tooLarge(size: size)
        case .failed(let reason):
            return .failed(reason: reason)
        }
    }

    /// `path` with `.`, `..` and links resolved; nil if it cannot be resolved.
    static func resolvedPath(of path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The last component of `path` after resolving `.`, `..` and links; nil if it cannot be
    /// resolved or is the file system root.
    static func resolvedLastComponent(of path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved).split(separator: "/").last.map(String.init)
    }
}
