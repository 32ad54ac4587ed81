/// Interns byte strings to dense `Int32` ids, storing every string once in one arena.
///
/// The analyzer and the index writer see the same few thousand words millions of times;
/// hashing a byte slice into an open-addressing table and comparing in place is several
/// times faster than building a `String` or an `[UInt8]` key per token.
@_spi(SiftInternal) public struct ByteInterner: Sendable {
    /// All interned strings, back to back.
    @usableFromInline var arena: [UInt8] = []
    /// `offsets[id] ..< offsets[id + 1]` is string `id` in the arena.
    @usableFromInline var offsets: [Int] = [0]
    @usableFromInline var hashes: [UInt64] = []
    /// Open-addressing slots holding `id + 1`; 0 means empty.
    @usableFromInline var slots: [Int32]
    @usableFromInline var mask: Int

    @inlinable public init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    /// Number of distinct strings interned.
    @inlinable public var count: Int { offsets.count - 1 }

    /// The bytes of string `id`.
    @inlinable public func bytes(_ id: Int32) -> ArraySlice<UInt8> {
        arena[offsets[Int(id)]..<offsets[Int(id) + 1]]
    }

    /// The string `id` as a Swift `String` (invalid UTF-8 is repaired).
    @inlinable public func string(_ id: Int32) -> String {
        String(decoding: bytes(id), as: UTF8.self)
    }

    /// The id of `key`, if interned.
    @inlinable public func find(_ key: UnsafeBufferPointer<UInt8>) -> Int32? {
        let hash = Self.hash(key)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let stored = slots[slot]
            if stored == 0 { return nil }
            let id = stored - 1
            if hashes[Int(id)] == hash && equals(id, key) { return id }
            slot = (slot + 1) & mask
        }
    }

    /// The id of `key`, interning it when new.
    public mutating func intern(_ key: UnsafeBufferPointer<UInt8>) -> Int32 {
        let hash = Self.hash(key)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let stored = slots[slot]
            if stored == 0 { break }
            let id = stored - 1
            if hashes[Int(id)] == hash && equals(id, key) { return id }
            slot = (slot + 1) & mask
        }
        let id = Int32(count)
        arena.append(contentsOf: key)
        offsets.append(arena.count)
        hashes.append(hash)
        slots[slot] = id + 1
        if count * 2 > slots.count { grow() }
        return id
    }

    /// Convenience for cold paths and tests.
    public mutating func intern(_ key: [UInt8]) -> Int32 {
        key.withUnsafeBufferPointer { intern($0) }
    }

    @inlinable public func find(_ key: [UInt8]) -> Int32? {
        key.withUnsafeBufferPointer { find($0) }
    }

    @inlinable func equals(_ id: Int32, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = offsets[Int(id)]
        let length = offsets[Int(id) + 1] - start
        guard length == key.count else { return false }
        return arena.withUnsafeBufferPointer { arenaBuffer in
            guard length > 0 else { return true }
            return memcmp(arenaBuffer.baseAddress! + start, key.baseAddress!, length) == 0
        }
    }

    @usableFromInline mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
        for id in 0..<count {
            var slot = Int(truncatingIfNeeded: hashes[id]) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id + 1)
        }
    }

    /// A fast 64-bit hash of a short byte string: 8 bytes per multiply, then a final mix.
    @inline(__always)
    @inlinable public static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        guard let base = key.baseAddress else { return mix(h) }
        let raw = UnsafeRawPointer(base)
        var index = 0
        while index + 8 <= key.count {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            h = (h ^ word) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < key.count {
            tail |= UInt64(base[index]) << shift
            shift += 8
            index += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return mix(h)
    }

    @inline(__always)
    @inlinable static func mix(_ value: UInt64) -> UInt64 {
        var h = value
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return h
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
