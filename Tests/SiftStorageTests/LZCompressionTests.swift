import Testing
@_spi(SiftInternal) @testable import SiftStorage
import SiftTestSupport

@Suite struct LZCompressionTests {
    static func compress(_ input: [UInt8]) -> [UInt8] {
        var writer = ByteWriter()
        input.withUnsafeBytes { LZCompression.compress($0, into: &writer) }
        return writer.bytes
    }

    static func decompress(_ block: [UInt8], size: Int) throws(ByteReaderError) -> [UInt8] {
        do {
            return try block.withUnsafeBytes { try LZCompression.decompress($0, size: size) }
        } catch {
            throw error as! ByteReaderError  // the closure throws only ByteReaderError
        }
    }

    /// Inputs that stress each part of the format.
    static func samples() -> [(String, [UInt8])] {
        var random = TestRandom(seed: 0x1A)
        let english = Array(String(repeating: "The Taliban entered Kabul; the president fled the country. ", count: 300).utf8)
        var samples: [(String, [UInt8])] = [
            ("empty", []),
            ("one byte", [0x41]),
            ("three bytes", [1, 2, 3]),
            ("four equal bytes", [7, 7, 7, 7]),
            ("five equal bytes", [7, 7, 7, 7, 7]),
            ("a run of 100,000 zeros (offset 1, overlapping copies)", [UInt8](repeating: 0, count: 100_000)),
            ("repeated English", english),
            ("random bytes (incompressible)", (0..<70_000).map { _ in UInt8(truncatingIfNeeded: random.next()) }),
            ("invalid UTF-8 and NULs", [0xFF, 0xFE, 0, 0, 0, 0, 0xC3, 0x28, 0xFF, 0xFE, 0, 0, 0, 0, 0xC3, 0x28]),
        ]
        // Literal runs and match lengths around the 15 and 15 + 255 boundaries of the length coding.
        for literals in [14, 15, 16, 269, 270, 271, 524, 525, 1000] {
            for match in [4, 18, 19, 20, 273, 274, 275, 1000] {
                let unique = (0..<literals).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                let pattern = Array(unique.suffix(min(literals, 7)))
                var input = unique
                while input.count < literals + match { input.append(pattern[(input.count - literals) % pattern.count]) }
                input += (0..<random.below(20)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                samples.append(("\(literals) literals then a \(match)-byte match", input))
            }
        }
        // A repeat farther back than the 64 KiB window cannot be a match but must survive.
        let far = (0..<1000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        samples.append(("a repeat 70 KB back", far + (0..<70_000).map { _ in UInt8(truncatingIfNeeded: random.next()) } + far))
        // Mixed: text with random interruptions.
        var mixed: [UInt8] = []
        while mixed.count < 50_000 {
            mixed += random.below(3) == 0 ? (0..<random.below(40)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                                          : Array(english[random.below(1000)..<(1000 + random.below(2000))])
        }
        samples.append(("mixed text and noise", mixed))
        return samples
    }

    @Test("compress then decompress gives back every sample exactly")
    func roundTrip() throws {
        for (name, input) in Self.samples() {
            let block = Self.compress(input)
            let output = try Self.decompress(block, size: input.count)
            #expect(output == input, "\(name)")
        }
    }

    @Test("repetitive text shrinks; incompressible data grows by little")
    func ratio() {
        let english = Array(String(repeating: "The Taliban entered Kabul; the president fled the country. ", count: 300).utf8)
        #expect(Self.compress(english).count < english.count / 10)
        #expect(Self.compress([UInt8](repeating: 0, count: 100_000)).count < 1000)
        var random = TestRandom(seed: 3)
        let noise = (0..<70_000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        #expect(Self.compress(noise).count <= noise.count + noise.count / 200 + 16)
    }

    @Test("compression is deterministic")
    func deterministic() {
        for (name, input) in Self.samples() {
            #expect(Self.compress(input) == Self.compress(input), "\(name)")
        }
    }

    @Test("a wrong expected size is malformed")
    func wrongSize() throws {
        let input = Array("hello hello hello hello".utf8)
        let block = Self.compress(input)
        #expect(throws: ByteReaderError.self) { try Self.decompress(block, size: input.count - 1) }
        #expect(throws: ByteReaderError.self) { try Self.decompress(block, size: input.count + 1) }
        #expect(throws: ByteReaderError.self) { try Self.decompress([], size: 3) }
        #expect(try Self.decompress([], size: 0) == [])
    }

    @Test("hand-made bad blocks throw instead of trapping")
    func badBlocks() {
        let bad: [(String, [UInt8], Int)] = [
            ("match offset 0", [0x10, 0x41, 0x00, 0x00], 5),
            ("match offset before the output", [0x10, 0x41, 0x05, 0x00], 5),
            ("match past the expected size", [0x1F, 0x41, 0x01, 0x00, 0x10], 6),
            ("literals past the expected size", [0x50, 1, 2, 3, 4, 5], 4),
            ("literals cut off", [0x50, 1, 2], 5),
            ("offset cut off", [0x10, 0x41, 0x01], 5),
            ("length bytes cut off", [0xF0, 0xFF], 1000),
            ("endless length bytes", [0xF0] + [UInt8](repeating: 0xFF, count: 100), 300),
        ]
        for (name, block, size) in bad {
            #expect(throws: ByteReaderError.self, "\(name)") { try Self.decompress(block, size: size) }
        }
    }

    @Test("random damage to a compressed block gives an error or the right size, never a trap")
    func fuzzDamage() {
        var random = TestRandom(seed: 0xF22)
        let samples = Self.samples().filter { $0.1.count > 0 && $0.1.count < 30_000 }
        let blocks = samples.map { Self.compress($0.1) }
        var errors = 0
        for round in 0..<3000 {
            let input = samples[round % samples.count].1
            var block = blocks[round % samples.count]
            switch random.below(3) {
            case 0: block[random.below(block.count)] ^= UInt8(1 << random.below(8))
            case 1: block.removeLast(1 + random.below(min(block.count, 8)))
            default: block[random.below(block.count)] = UInt8(truncatingIfNeeded: random.next())
            }
            do {
                let output = try Self.decompress(block, size: input.count)
                #expect(output.count == input.count)
            } catch {
                errors += 1
            }
        }
        #expect(errors > 0)
    }
}
