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
    /// Open-addressing slots holding the hash's high half and `id + 1`; 0 means empty.
    @usableFromInline var slots: [UInt64]
    @usableFromInline var mask: Int

    @inlinable public init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: size)
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
        let tag = Self.tag(hash)
        return slots.withUnsafeBufferPointer { slots -> Int32? in
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let stored = slots[slot]
                if stored == 0 { return nil }
                if stored & Self.tagMask == tag {
                    let id = Int32(truncatingIfNeeded: stored & Self.idMask) - 1
                    if equals(id, key) { return id }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The id of `key`, interning it when new.
    public mutating func intern(_ key: UnsafeBufferPointer<UInt8>) -> Int32 {
        let hash = Self.hash(key)
        let tag = Self.tag(hash)
        let found = slots.withUnsafeBufferPointer { slots -> (id: Int32?, slot: Int) in
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let stored = slots[slot]
                if stored == 0 { return (nil, slot) }
                if stored & Self.tagMask == tag {
                    let id = Int32(truncatingIfNeeded: stored & Self.idMask) - 1
                    if equals(id, key) { return (id, slot) }
                }
                slot = (slot + 1) & mask
            }
        }
        if let id = found.id { return id }
        let id = Int32(count)
        arena.append(contentsOf: key)
        offsets.append(arena.count)
        hashes.append(hash)
        slots[found.slot] = tag | UInt64(id + 1)
        if count * 2 > slots.count { grow() }
        return id
    }

    /// A slot holds the high half of its string's hash above `id + 1`: most probes that miss
    /// are told apart by the slot alone, without reading the string.
    @usableFromInline static let tagMask: UInt64 = 0xFFFF_FFFF_0000_0000
    @usableFromInline static let idMask: UInt64 = 0xFFFF_FFFF

    @inline(__always)
    @inlinable static func tag(_ hash: UInt64) -> UInt64 { hash & tagMask }

    /// Convenience for cold paths and tests.
    public mutating func intern(_ key: [UInt8]) -> Int32 {
        key.withUnsafeBufferPointer { intern($0) }
    }

    @inlinable public func find(_ key: [UInt8]) -> Int32? {
        key.withUnsafeBufferPointer { find($0) }
    }

    @inlinable func equals(_ id: Int32, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        offsets.withUnsafeBufferPointer { offsets in
            let start = offsets[Int(id)]
            let length = offsets[Int(id) + 1] - start
            guard length == key.count else { return false }
            guard length > 0 else { return true }
            return arena.withUnsafeBufferPointer { arenaBuffer in
                let stored = UnsafeRawPointer(arenaBuffer.baseAddress! + start)
                let probe = UnsafeRawPointer(key.baseAddress!)
                // Words are short: compare eight bytes at a time in place of a call to memcmp.
                var index = 0
                while index + 8 <= length {
                    if stored.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                        != probe.loadUnaligned(fromByteOffset: index, as: UInt64.self) { return false }
                    index += 8
                }
                while index < length {
                    if stored.load(fromByteOffset: index, as: UInt8.self) != probe.load(fromByteOffset: index, as: UInt8.self) {
                        return false
                    }
                    index += 1
                }
                return true
            }
        }
    }

    @usableFromInline mutating func grow() {
        let size = slots.count * 2
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
        for id in 0..<count {
            var slot = Int(truncatingIfNeeded: hashes[id]) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Self.tag(hashes[id]) | UInt64(id + 1)
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
