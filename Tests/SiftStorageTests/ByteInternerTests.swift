import Testing
@_spi(SiftInternal) @testable import SiftStorage
import SiftTestSupport

@Suite struct ByteInternerTests {
    @Test("ids are dense, in order of first sighting; a known key gets its old id")
    func denseIds() {
        var interner = ByteInterner()
        #expect(interner.count == 0)
        #expect(interner.intern(Array("apple".utf8)) == 0)
        #expect(interner.intern(Array("banana".utf8)) == 1)
        #expect(interner.intern(Array("apple".utf8)) == 0)
        #expect(interner.intern(Array("cherry".utf8)) == 2)
        #expect(interner.count == 3)
        #expect(interner.find(Array("banana".utf8)) == 1)
        #expect(interner.find(Array("durian".utf8)) == nil)
        #expect(interner.find(Array("appl".utf8)) == nil, "a prefix is a different key")
        #expect(interner.find(Array("apples".utf8)) == nil, "an extension is a different key")
        #expect(interner.string(1) == "banana")
        #expect(Array(interner.bytes(2)) == Array("cherry".utf8))
        #expect(interner.arena == Array("applebananacherry".utf8), "each string stored once")
    }

    @Test("the empty key is a key like any other")
    func emptyKey() {
        var interner = ByteInterner(capacity: 1)
        #expect(interner.find([]) == nil)
        #expect(interner.intern(Array("x".utf8)) == 0)
        #expect(interner.intern([]) == 1)
        #expect(interner.intern([]) == 1)
        #expect(interner.find([]) == 1)
        #expect(interner.bytes(1).isEmpty)
        #expect(interner.string(1) == "")
        #expect(interner.intern([0]) == 2, "a NUL byte is not the empty key")
        #expect(interner.count == 3)
    }

    @Test("growth past tens of thousands of keys keeps every id", arguments: [1, 16, 1024])
    func growth(capacity: Int) {
        var interner = ByteInterner(capacity: capacity)
        var random = TestRandom(seed: UInt64(capacity))
        var keys: [[UInt8]] = []
        var seen = Set<[UInt8]>()
        while keys.count < 20_000 {
            // Lengths 1...24 cross the 8-byte hashing step; arbitrary bytes, invalid UTF-8 included.
            let key = (0..<random.int(in: 1...24)).map { _ -> UInt8 in
                let letter = UInt8(0x61 + random.below(7))
                return random.below(50) == 0 ? letter | 0x80 : letter
            }
            if seen.insert(key).inserted { keys.append(key) }
        }
        var mismatches = 0
        for (index, key) in keys.enumerated() where interner.intern(key) != Int32(index) {
            mismatches += 1
        }
        #expect(mismatches == 0)
        #expect(interner.count == keys.count)
        for (index, key) in keys.enumerated() {
            if interner.find(key) != Int32(index) { mismatches += 1 }
            if Array(interner.bytes(Int32(index))) != key { mismatches += 1 }
            if interner.intern(key) != Int32(index) { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #expect(interner.count == keys.count, "interning known keys adds nothing")
        #expect(interner.find(Array("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz".utf8)) == nil)
    }

    @Test("string(_:) repairs invalid UTF-8")
    func repairs() {
        var interner = ByteInterner()
        let id = interner.intern([0x61, 0xFF, 0x62])
        #expect(interner.string(id) == "a\u{FFFD}b")
        #expect(Array(interner.bytes(id)) == [0x61, 0xFF, 0x62])
    }

    @Test("the hash depends on every byte and on the length")
    func hashSpreads() {
        func hash(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBufferPointer { ByteInterner.hash($0) } }
        #expect(hash([]) != hash([0]))
        #expect(hash([0]) != hash([0, 0]))
        let base = Array("abcdefghijklmnopq".utf8)
        for index in base.indices {
            var changed = base
            changed[index] ^= 1
            #expect(hash(changed) != hash(base), "byte \(index)")
        }
    }
}
