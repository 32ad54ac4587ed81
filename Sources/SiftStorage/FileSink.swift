#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file written front to back through a 1 MiB buffer, with a running CRC-32C, so files far
/// larger than memory (merged segments) can be written and checksummed in one pass.
package struct FileSink {
    package let path: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    /// Bytes written so far (including buffered ones).
    package private(set) var count = 0
    private var crc: UInt32 = 0
    private static let bufferSize = 1 << 20

    /// Creates (or truncates) `path` and starts it with `header` (a file format's framing;
    /// the sink knows nothing of formats).
    package init(path: String, header: [UInt8] = []) throws(FileError) {
        self.path = path
        try FileFaults.check(.create, path)
        fd = try FileIO.open(path, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o644)
        buffer.reserveCapacity(Self.bufferSize)
        if !header.isEmpty { try write(header) }
    }

    package mutating func write<C: Collection>(_ bytes: C) throws(FileError) where C.Element == UInt8 {
        let copied: Void? = bytes.withContiguousStorageIfAvailable { buffer.append(contentsOf: $0) }
        if copied == nil { buffer.append(contentsOf: bytes) }
        count += bytes.count
        if buffer.count >= Self.bufferSize { try flush() }
    }

    private mutating func flush() throws(FileError) {
        crc = buffer.withUnsafeBytes { CRC32C.checksum($0, continuing: crc) }
        if !buffer.isEmpty { try FileFaults.check(.write, path) }
        var written = 0
        while written < buffer.count {
            let result = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if result < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, operation: "write", code: errno)
            }
            written += result
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Appends the CRC-32C of everything written, syncs and closes: the file is complete.
    package mutating func finish() throws(FileError) -> SealedFile {
        try flush()
        let checksum = crc
        var trailer = ByteWriter()
        trailer.write(checksum)
        buffer.append(contentsOf: trailer.bytes)
        count += 4
        try flush()
        try close(sync: true)
        return SealedFile(size: UInt64(count), checksum: checksum)
    }

    /// Flushes and closes without a trailer, for a scratch file that is read back (`copy`).
    /// Flushes, syncs and closes without a trailer: a file in another program's format.
    package mutating func finishPlain() throws(FileError) {
        try flush()
        try close(sync: true)
    }

    package mutating func closeForReading() throws(FileError) {
        try flush()
        try close(sync: false)
    }

    private mutating func close(sync: Bool) throws(FileError) {
        guard fd >= 0 else { return }
        defer {
            _ = Glibc.close(fd)
            fd = -1
        }
        if sync { try FileFaults.check(.sync, path) }
        if sync && fsync(fd) != 0 { throw FileError(path: path, operation: "sync", code: errno) }
    }

    /// Appends this (closed) file's bytes to `other`, a chunk at a time.
    package func copy(into other: inout FileSink) throws(FileError) {
        let input = try FileIO.open(path, flags: O_RDONLY)
        defer { _ = Glibc.close(input) }
        var chunk = [UInt8](repeating: 0, count: Self.bufferSize)
        while true {
            let got = chunk.withUnsafeMutableBytes { Glibc.read(input, $0.baseAddress!, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, operation: "read", code: errno)
            }
            if got == 0 { break }
            try other.write(chunk[0..<got])
        }
    }

    package func remove() {
        FileIO.remove(path)
    }

    /// Closes the file without syncing and removes it: what a failed writer does with it.
    package mutating func discard() {
        if fd >= 0 {
            _ = Glibc.close(fd)
            fd = -1
        }
        buffer = []
        FileIO.remove(path)
    }
}

/// A finished file's size and the CRC-32C of its bytes before the checksum trailer.
package struct SealedFile: Equatable, Sendable {
    package var size: UInt64
    package var checksum: UInt32

    package init(size: UInt64, checksum: UInt32) {
        self.size = size
        self.checksum = checksum
    }
}
