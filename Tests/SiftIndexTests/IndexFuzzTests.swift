import Foundation
import Testing
@_spi(SiftInternal) @testable import SiftIndex
import SiftTestSupport
@testable import SiftAnalysis
@testable import SiftSearch

/// Damaged index files must give a typed error or a (possibly wrong) answer — never a trap,
/// a hang or an out-of-bounds read. Mutations leave each file's checksum trailer as it was, so
/// opening without a full checksum pass (the library's default) lets the damage reach every
/// decoder. `SIFT_FUZZ_ITERATIONS` runs more mutations than the default, `SIFT_FUZZ_SEED`
/// other ones.
@Suite struct IndexFuzzTests {
    static let iterations = Int(ProcessInfo.processInfo.environment["SIFT_FUZZ_ITERATIONS"] ?? "") ?? 200

    /// A small index with multi-block lists, titles, phrases and compressed text.
    static func buildIndex(at path: String) throws {
        var random = TestRandom(seed: 77)
        let vocabulary = (0..<40).map { "w\($0)" }
        var documents: [IndexTestDocument] = []
        for number in 0..<400 {
            let words = (0..<random.int(in: 3...60)).map { _ in vocabulary[min(Int(40 * pow(random.unit(), 2)), 39)] }
            documents.append(IndexTestDocument(id: "doc\(number).txt", title: "title \(vocabulary[number % 40])",
                                               text: words.joined(separator: " ")))
        }
        // Every kind of file: segments, a deletions file and a source table.
        try IndexTestKit.writeEveryKind(documents, at: path, deleting: (0..<400).filter { $0 % 13 == 5 }.map { "doc\($0).txt" },
                                        configuration: AnalyzerConfiguration())
    }

    /// Everything a reader does, each step allowed to throw, none to trap.
    static func exercise(_ path: String) {
        guard let reader = try? IndexReader(path: path) else { return }
        _ = try? reader.statistics()
        _ = try? reader.check()
        let searcher = Searcher(reader: reader)
        for query in ["w0 w1 w5", "w3", "\"w0 w1\"", "\"w2 w0\"~2", "w1*", "title:w7", "+w0 +w2 -w3", "w9 OR w11", "+w0 +w2", "+w1 +w4 +w6"] {
            for exhaustive in [false, true] {
                guard let results = try? searcher.search(query, options: SearchOptions(limit: 5, exhaustive: exhaustive)) else { continue }
                for hit in results.hits {
                    _ = try? searcher.snippet(for: hit, in: results)
                    _ = try? searcher.explain(hit, in: results)
                }
            }
        }
        for document in [0, 1, reader.documentCount / 2, reader.documentCount - 1] where document >= 0 {
            _ = try? reader.document(at: document)
        }
        // An update on the damaged index: deleting (analyzing stored text again) and merging
        // decode everything too. It may fail, never trap.
        if let writer = try? IndexWriter(path: path, configuration: reader.configuration, mode: .openOrCreate) {
            _ = try? writer.deleteDocuments(withID: "doc7.txt")
            writer.forceMerge()
            _ = try? writer.commit()
            writer.close()
        }
    }

    @Test("seeded mutations of every kind of index file never trap")
    func mutations() throws {
        try IndexTestFolder.with { folder in
            let original = folder.sub("original")
            try Self.buildIndex(at: original)
            let names = try IndexTestKit.fileNames(original)
            var contents: [String: [UInt8]] = [:]
            for name in names { contents[name] = Array(try Data(contentsOf: URL(fileURLWithPath: original + "/" + name))) }
            var random = TestRandom(seed: UInt64(ProcessInfo.processInfo.environment["SIFT_FUZZ_SEED"] ?? "") ?? 2026)
            let damaged = folder.sub("damaged")
            try FileManager.default.createDirectory(atPath: damaged, withIntermediateDirectories: true)
            for iteration in 0..<Self.iterations {
                let name = names[iteration % names.count]
                var bytes = contents[name]!
                // Keep the trailer (and usually the header) so the damage gets past the open checks.
                let low = random.below(4) == 0 ? 0 : min(16, bytes.count - 4)
                let high = bytes.count - 4
                guard high > low else { continue }
                switch random.below(6) {
                case 0:  // flipped bits
                    for _ in 0..<random.int(in: 1...8) { bytes[random.int(in: low...(high - 1))] ^= UInt8(1 << random.below(8)) }
                case 1:  // a zeroed range
                    let start = random.int(in: low...(high - 1))
                    for index in start..<min(high, start + random.int(in: 1...64)) { bytes[index] = 0 }
                case 2:  // a 0xFF range (huge lengths, varints that never end)
                    let start = random.int(in: low...(high - 1))
                    for index in start..<min(high, start + random.int(in: 1...16)) { bytes[index] = 0xFF }
                case 3:  // two ranges swapped
                    let length = random.int(in: 1...32)
                    if high - low > 2 * length {
                        let a = random.int(in: low...(high - length))
                        let b = random.int(in: low...(high - length))
                        for offset in 0..<length { bytes.swapAt(a + offset, b + offset) }
                    }
                case 4:  // a huge little-endian length written somewhere
                    let at = random.int(in: low...max(low, high - 8))
                    if at + 8 <= high {
                        let value = random.next() | 0x8000_0000
                        for offset in 0..<8 { bytes[at + offset] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(offset))) }
                    }
                default:  // random bytes
                    for _ in 0..<random.int(in: 1...32) { bytes[random.int(in: low...(high - 1))] = UInt8(truncatingIfNeeded: random.next()) }
                }
                for other in names {
                    try Data(other == name ? bytes : contents[other]!).write(to: URL(fileURLWithPath: damaged + "/" + other))
                }
                Self.exercise(damaged)
            }
            // The undamaged index still answers (the harness itself works).
            Self.exercise(original)
            #expect(try Searcher(reader: IndexReader(path: original)).search("w0").hits.count > 0)
        }
    }
}
