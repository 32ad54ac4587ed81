#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One line of a buffer: its 1-based number and its bytes' range, without the line's end.
struct SourceLine: Equatable {
    /// 1-based, counting every line, blank or not (from the scanner's first line number).
    var number: Int
    /// Offset of the line's first byte.
    var start: Int
    /// Offset just past the line's last byte, before its `\n` and any `\r` right before that.
    var end: Int
}

/// Iterates the lines of a byte buffer: lines end at `\n`, and a `\r` before it is not part of
/// the line, so files saved on Windows give the same lines and titles as any other.
///
/// Works on offsets, never copies: callers slice the buffer only for the lines they keep.
/// A final `\n` ends the last line rather than starting an empty one.
///
/// Lines are numbered from 1 unless the buffer is the tail of a file (a Markdown body after
/// its front matter): then the first line's number in the file is given, so that `#L<n>` ids
/// name the line an editor shows.
struct SourceLineScanner: Sequence, IteratorProtocol {
    private let bytes: [UInt8]
    private var position = 0
    private var number = 0

    init(_ bytes: [UInt8], firstLineNumber: Int = 1) {
        self.bytes = bytes
        self.number = firstLineNumber - 1
    }

    mutating func next() -> SourceLine? {
        let count = bytes.count
        guard position < count else { return nil }
        let start = position
        let newline = bytes.withUnsafeBufferPointer { buffer -> Int in
            let base = UnsafeRawPointer(buffer.baseAddress!)
            guard let hit = memchr(base + start, 0x0A, count - start) else { return count }
            return base.distance(to: UnsafeRawPointer(hit))
        }
        var end = newline
        if end > start && bytes[end - 1] == 0x0D { end -= 1 }
        position = newline + 1
        number += 1
        return SourceLine(number: number, start: start, end: end)
    }
}
