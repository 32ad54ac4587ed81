#if canImport(Glibc)
import Glibc
#endif

/// All of standard input as bytes (a read error ends the input early).
func readStandardInput() -> [UInt8] {
    (try? readAll(fileDescriptor: 0)) ?? []
}

/// A whole file as bytes; the error is the errno text.
func readFile(_ path: String) throws(CLIFileError) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw CLIFileError(code: errno) }
    defer { close(fd) }
    return try readAll(fileDescriptor: fd)
}

/// Everything left to read from `fd`, retrying on EINTR.
func readAll(fileDescriptor fd: Int32) throws(CLIFileError) -> [UInt8] {
    var result: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        if count < 0 && errno == EINTR { continue }
        if count < 0 { throw CLIFileError(code: errno) }
        if count == 0 { break }
        result.append(contentsOf: chunk[0..<count])
    }
    return result
}

/// An errno from reading a file, shown as its text.
struct CLIFileError: Error, CustomStringConvertible {
    var code: Int32
    var description: String { String(cString: strerror(code)) }
}
