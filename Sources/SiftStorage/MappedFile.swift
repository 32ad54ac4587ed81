#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory map of a whole file. Index files are decoded in place from it; the
/// mapping stays valid after the file is unlinked, so a reader keeps its generation's files
/// even while a writer replaces them.
package final class MappedFile: @unchecked Sendable {
    package let path: String
    /// The file's bytes (empty for an empty file).
    package let bytes: UnsafeRawBufferPointer
    private let base: UnsafeMutableRawPointer?

    package init(path: String) throws(FileError) {
        self.path = path
        let fd = try FileIO.open(path, flags: O_RDONLY)
        defer { _ = close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileError(path: path, operation: "stat", code: errno) }
        let size = Int(info.st_size)
        if size == 0 {
            base = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw FileError(path: path, operation: "map", code: errno)
        }
        base = mapped
        bytes = UnsafeRawBufferPointer(start: mapped, count: size)
    }

    /// Tells the kernel the pages before `offset` will not be read again, so a long sequential
    /// pass (a merge) does not keep the whole file resident. They are read back if touched.
    package func release(upTo offset: Int) {
        guard let base else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let length = min(offset, bytes.count) / page * page
        if length > 0 { _ = madvise(base, length, MADV_DONTNEED) }
    }

    deinit {
        if let base { munmap(base, bytes.count) }
    }
}
