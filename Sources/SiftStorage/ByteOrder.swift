#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The byte order of keys, names and paths (what `memcmp` gives, a proper prefix first).
/// Sorting with these instead of the generic `lexicographicallyPrecedes` makes the sorts of a
/// commit (terms, deleted terms, file keys) several times faster.
package enum ByteOrder {
    /// Negative, zero or positive as `a` sorts before, with or after `b`.
    package static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let common = min(a.count, b.count)
        if common > 0 {
            let result = memcmp(a.baseAddress!, b.baseAddress!, common)
            if result != 0 { return Int(result) }
        }
        return a.count - b.count
    }

    package static func precedes(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
        a.withUnsafeBytes { a in b.withUnsafeBytes { b in compare(a, b) < 0 } }
    }

    package static func precedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBytes { a in b.withUnsafeBytes { b in compare(a, b) < 0 } }
    }

    /// The order of two strings' UTF-8 bytes.
    package static func precedes(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { a in b.withUTF8 { b in compare(UnsafeRawBufferPointer(a), UnsafeRawBufferPointer(b)) < 0 } }
    }
}
