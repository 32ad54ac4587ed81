import Testing
@_spi(SiftInternal) @testable import SiftIndex
@_spi(SiftInternal) import SiftStorage
import SiftTestSupport

@Suite struct ImpactsTests {
    typealias Pair = (frequency: UInt32, length: UInt32)

    /// The pairs no other pair beats, by brute force: (f, l) is beaten by (f', l') when f' ≥ f
    /// and l' ≤ l and the two differ.
    static func undominated(_ pairs: [Pair]) -> [Pair] {
        var kept: [Pair] = []
        for pair in pairs {
            let beaten = pairs.contains { $0.frequency >= pair.frequency && $0.length <= pair.length && ($0.frequency, $0.length) != (pair.frequency, pair.length) }
            if !beaten && !kept.contains(where: { $0 == pair }) { kept.append(pair) }
        }
        return kept.sorted { $0.frequency < $1.frequency }
    }

    static func encoded(_ pairs: [Pair]) -> [UInt8] {
        var writer = ByteWriter()
        Impacts.write(pairs, into: &writer)
        return writer.bytes
    }

    @Test("the Pareto set of random blocks is every undominated pair, ascending in both, and round-trips through its bytes")
    func randomBlocks() {
        var random = TestRandom(seed: 5)
        for _ in 0..<300 {
            let pairs: [Pair] = (0..<random.int(in: 1...128)).map { _ in
                (UInt32(random.int(in: 1...12)), UInt32(random.int(in: 1...400)))
            }
            let pareto = Impacts.pareto(pairs)
            #expect(pareto.elementsEqual(Self.undominated(pairs), by: { $0 == $1 }))
            for (previous, next) in zip(pareto, pareto.dropFirst()) {
                #expect(previous.frequency < next.frequency && previous.length < next.length)
            }
            let bytes = Self.encoded(pareto)
            bytes.withUnsafeBytes { raw in
                var reader = ImpactReader(bytes: raw, offset: 0, end: raw.count)
                #expect(Impacts.read(reader).elementsEqual(pareto, by: { $0 == $1 }))
                #expect(reader.skipToEnd() == raw.count)
                var extremes = ImpactReader(bytes: raw, offset: 0, end: raw.count)
                let corner = extremes.extremes()
                #expect(corner.maxFrequency == pairs.map(\.frequency).max())
                #expect(corner.minLength == pairs.map(\.length).min())
            }
        }
    }

    @Test("a known encoding: steps less one, the low bit saying another pair follows")
    func knownBytes() {
        // (1, 30), (3, 31), (7, 200): 0<<1|1, 30; (3-1-1)<<1|1, 0; (7-3-1)<<1|0, 168 (two bytes).
        #expect(Self.encoded([(1, 30), (3, 31), (7, 200)]) == [1, 30, 3, 0, 6, 0xA8, 0x01])
    }

    @Test("impacts cut short or overlong read as fewer pairs, never past their end")
    func truncated() {
        let bytes = Self.encoded([(1, 30), (3, 31), (7, 200)])
        for cut in 0..<bytes.count {
            bytes.withUnsafeBytes { raw in
                let pairs = Impacts.read(ImpactReader(bytes: raw, offset: 0, end: cut))
                #expect(pairs.count <= 3)
            }
        }
        let overlong: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 5]
        overlong.withUnsafeBytes { raw in
            #expect(Impacts.read(ImpactReader(bytes: raw, offset: 0, end: raw.count)).isEmpty)
        }
    }
}
