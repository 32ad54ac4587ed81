import Foundation
import SiftTestSupport
import Testing

/// An index kept up to date with `sift index` after each of a seeded random series of adds,
/// edits, moves and deletes over real articles (Cranfield) answers exactly like an index
/// rebuilt from scratch with `sift index --full`: same documents, same scores, same order
/// (up to ties), same statistics; and it passes `sift check --deep` after every step.
@Suite(.serialized) struct IncrementalEquivalenceTests {
    typealias Kit = IndexCLITestKit
    typealias Inc = IncrementalKit

    /// Queries over Cranfield's own vocabulary: single words, OR, AND, phrases (with slop),
    /// prefixes (one past the 128-expansion limit), required/excluded terms, title field, boosts.
    static let fixedQueries = [
        "boundary", "shock", "heat", "flutter", "supersonic", "buckling", "cylinder",
        "laminar OR turbulent", "heat OR transfer OR conduction",
        "\"boundary layer\"", "\"heat transfer\"", "\"mach number\"", "\"pressure distribution\"~3",
        "aero*", "super*", "c*",
        "+flow -supersonic", "+pressure -shock", "shock AND wave",
        "title:flow", "wing^2 body", "slender body theory",
    ]

    /// Same-length words the same-size edits write in (query words, so the edits move scores).
    static let replacements = ["heat", "wing", "flow", "shock", "plate", "layer", "flutter", "cylinder", "pressure",
                               "buckling", "boundary", "turbulent", "supersonic", "conduction"]

    /// The working folder and what it holds (relative path → bytes), changed in step.
    struct Corpus {
        let root: URL
        var files: [String: Data] = [:]
        var pool: [(name: String, bytes: Data)]
        var removed: [(path: String, bytes: Data)] = []

        func put(_ path: String, _ bytes: Data) throws {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try bytes.write(to: url)
        }

        mutating func write(_ path: String, _ bytes: Data) throws {
            try put(path, bytes)
            files[path] = bytes
        }

        mutating func delete(_ path: String) throws {
            try FileManager.default.removeItem(at: root.appendingPathComponent(path))
            removed.append((path, files.removeValue(forKey: path)!))
        }

        mutating func takeFromPool(_ random: inout IndexCLIRandom) -> (name: String, bytes: Data) {
            pool.remove(at: random.below(pool.count))
        }

        func pick(_ count: Int, _ random: inout IndexCLIRandom, excluding: Set<String> = []) -> [String] {
            var candidates = files.keys.filter { !excluding.contains($0) }.sorted()
            var picked: [String] = []
            while picked.count < count && !candidates.isEmpty {
                picked.append(candidates.remove(at: random.below(candidates.count)))
            }
            return picked
        }
    }

    /// Replaces one word of 4+ letters after the title line by a different word of the same
    /// length: the file keeps its size, its content (and score for some query) changes.
    static func sameSizeEdit(_ bytes: Data, _ random: inout IndexCLIRandom) -> Data? {
        var text = Array(bytes)
        let bodyStart = (text.firstIndex(of: 0x0A) ?? 0) + 1
        var words: [Range<Int>] = []
        var index = bodyStart
        while index < text.count {
            guard (0x61...0x7A).contains(text[index]) else { index += 1; continue }
            let start = index
            while index < text.count && (0x61...0x7A).contains(text[index]) { index += 1 }
            if index - start >= 4 { words.append(start..<index) }
        }
        guard !words.isEmpty else { return nil }
        let range = words[random.below(words.count)]
        let original = String(decoding: text[range], as: UTF8.self)
        let candidates = replacements.filter { $0.utf8.count == range.count && $0 != original }
        let replacement = candidates.isEmpty ? String(original.reversed()) : candidates[random.below(candidates.count)]
        guard replacement != original else { return nil }
        text.replaceSubrange(range, with: Array(replacement.utf8))
        return Data(text)
    }

    /// The body of an article (after its title line), for appends.
    static func body(_ bytes: Data) -> Data {
        let text = Array(bytes)
        guard let newline = text.firstIndex(of: 0x0A) else { return bytes }
        return Data(text[(newline + 1)...])
    }

    @Test("incremental sift index answers like sift index --full after each of a series of random changes",
          SharedData.needs("cranfield/docs"))
    func incrementalEqualsFull() throws {
        let docs = try SharedData.require("cranfield/docs")
        try Kit.withFolder { folder in
            var random = IndexCLIRandom(seed: 20_240_611)
            var names = try FileManager.default.contentsOfDirectory(atPath: docs.path).filter { $0.hasSuffix(".txt") }
                .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            #expect(names.count >= 600, "Cranfield has 1,400 articles")
            // A seeded sample: 260 articles to start with (the two empty ones among them), 200 to add later.
            for index in names.indices.reversed() { names.swapAt(index, random.below(index + 1)) }
            names.removeAll { $0 == "471.txt" || $0 == "995.txt" }
            let initial = ["471.txt", "995.txt"] + names.prefix(258)
            let pool = try names.dropFirst(258).prefix(200).map { ($0, try Data(contentsOf: docs.appendingPathComponent($0))) }
            var corpus = Corpus(root: folder.appendingPathComponent("work"), pool: pool)
            for (number, name) in initial.enumerated() {
                try corpus.write("part\(number % 4)/\(name)", try Data(contentsOf: docs.appendingPathComponent(name)))
            }

            // Queries: the fixed ones and words of the articles themselves.
            var queries = Self.fixedQueries
            for path in corpus.pick(4, &random) {
                let words = String(decoding: corpus.files[path]!, as: UTF8.self).split { !$0.isLetter }.filter { $0.count >= 7 }
                if !words.isEmpty { queries.append(String(words[random.below(words.count)]).lowercased()) }
            }
            let queryFile = try Inc.writeQueries(queries, in: folder)

            let index = folder.appendingPathComponent("incremental").path
            let first = try Kit.sift(["index", corpus.root.path, "--index", index])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("Indexed "), "\(first.stdout)")

            var sawDeletionsKept = false
            var maxSegments = 0
            let steps = 8
            for step in 0..<steps {
                let before = corpus.files
                // Adds: new articles, some in a folder of their own.
                for number in 0..<(3 + random.below(10)) {
                    let article = corpus.takeFromPool(&random)
                    let path = number % 3 == 0 ? "new\(step)/\(article.name)" : "part\(random.below(4))/\(article.name)"
                    try corpus.write(path, article.bytes)
                }
                // Edits: one same-size edit every step, then appends, replacements and title edits.
                var edited: Set<String> = []
                for path in corpus.pick(1, &random) {
                    if let changed = Self.sameSizeEdit(corpus.files[path]!, &random) {
                        #expect(changed.count == corpus.files[path]!.count && changed != corpus.files[path]!)
                        try corpus.write(path, changed)
                        edited.insert(path)
                    }
                }
                for path in corpus.pick(2 + random.below(5), &random, excluding: edited) {
                    let old = corpus.files[path]!
                    switch random.below(4) {
                    case 0:  // append another article's text
                        let other = corpus.takeFromPool(&random)
                        try corpus.write(path, old + Data("\n".utf8) + Self.body(other.bytes))
                    case 1:  // replace the whole text
                        let other = corpus.takeFromPool(&random)
                        try corpus.write(path, other.bytes)
                    case 2:  // another title line
                        try corpus.write(path, Data("revised title on shock and heat \(step)\n".utf8) + Self.body(old))
                    default:  // a same-size edit
                        if let changed = Self.sameSizeEdit(old, &random) { try corpus.write(path, changed) }
                    }
                    edited.insert(path)
                }
                // Deletes, and in some steps a move (same bytes, new key) and a deleted file put back.
                for path in corpus.pick(2 + random.below(7), &random, excluding: edited) { try corpus.delete(path) }
                if step % 3 == 1 {
                    for path in corpus.pick(2, &random, excluding: edited) {
                        let bytes = corpus.files[path]!
                        try corpus.delete(path)
                        try corpus.write("moved/\(step)-" + (path as NSString).lastPathComponent, bytes)
                    }
                }
                if step % 3 == 2, let back = corpus.removed.first(where: { corpus.files[$0.path] == nil }) {
                    try corpus.write(back.path, back.bytes)
                }
                if step == 4 {
                    // A whole folder goes: a large share of the first segment's documents.
                    for path in corpus.files.keys.filter({ $0.hasPrefix("part3/") }) { try corpus.delete(path) }
                }
                if step == 5 {
                    // The empty articles get text, or go.
                    for path in corpus.files.keys where path.hasSuffix("/471.txt") { try corpus.write(path, Data("shock tube\n\nheat heat".utf8)) }
                    for path in corpus.files.keys where path.hasSuffix("/995.txt") { try corpus.delete(path) }
                }

                let added = corpus.files.keys.filter { before[$0] == nil }.count
                let removed = before.keys.filter { corpus.files[$0] == nil }.count
                let changed = corpus.files.keys.filter { before[$0] != nil && before[$0] != corpus.files[$0] }.count
                let unchanged = corpus.files.count - added - changed
                let context = "step \(step) (\(added) added, \(changed) changed, \(removed) removed)"

                let update = try Kit.sift(["index", corpus.root.path, "--index", index])
                #expect(update.status == 0, "\(context): \(update.stderr)")
                #expect(update.stdout.contains("Updated \(index): \(added) files added, \(changed) changed, \(removed) removed, \(unchanged) unchanged"),
                        "\(context): \(update.stdout)")
                try Inc.expectDeepCheck(index, context)

                let full = folder.appendingPathComponent("full-\(step)").path
                let rebuilt = try Kit.sift(["index", corpus.root.path, "--index", full, "--full"])
                #expect(rebuilt.status == 0, "\(context): \(rebuilt.stderr)")
                #expect(rebuilt.stdout.contains("Indexed "), "\(context): \(rebuilt.stdout)")

                let incrementalStats = try Inc.stats(index)
                let fullStats = try Inc.stats(full)
                for key in ["documents", "tokens", "titleTokens"] {
                    #expect(Inc.int(incrementalStats, key) == Inc.int(fullStats, key) && Inc.int(fullStats, key) > 0,
                            "\(context): \(key) \(Inc.int(incrementalStats, key)) vs \(Inc.int(fullStats, key)) rebuilt")
                }
                let averages = (incrementalStats["averageDocumentLength"] as? Double ?? -1, fullStats["averageDocumentLength"] as? Double ?? -2)
                #expect(Inc.close(averages.0, averages.1, relative: 1e-12), "\(context): average length \(averages)")
                #expect(Inc.int(fullStats, "segments") == 1 && Inc.int(fullStats, "deletedDocuments") == 0)
                maxSegments = max(maxSegments, Inc.int(incrementalStats, "segments"))
                // The merge policy's bound (README): at most 3·(⌊log₄ N⌋ + 1) segments.
                var levels = 1
                var remaining = Inc.int(incrementalStats, "documents")
                while remaining >= 4 { remaining /= 4; levels += 1 }
                #expect(Inc.int(incrementalStats, "segments") <= 3 * levels, "\(context): \(Inc.int(incrementalStats, "segments")) segments")
                if Inc.int(incrementalStats, "deletedDocuments") > 0 { sawDeletionsKept = true }

                let expected = try Inc.search(queryFile, count: queries.count, index: full)
                let actual = try Inc.search(queryFile, count: queries.count, index: index)
                #expect(expected.hits.filter { !$0.isEmpty }.count >= queries.count - 2, "\(context): most queries have hits")
                let differences = Inc.answerDifferences(expected: expected, actual: actual, queries: queries)
                #expect(differences.isEmpty, "\(context): \(differences.count) queries differ: \(differences.prefix(4))")
                print("incremental equivalence: \(context): \(Inc.int(incrementalStats, "documents")) documents, \(Inc.int(incrementalStats, "segments")) segments, \(Inc.int(incrementalStats, "deletedDocuments")) deleted kept, generation \(Inc.int(incrementalStats, "generation"))")
                SiftProcess.removeTemporaryDirectory(URL(fileURLWithPath: full))
            }
            // The series went through indexes of several segments that kept deleted documents.
            #expect(maxSegments >= 2, "some update left several segments")
            #expect(sawDeletionsKept, "some update kept deleted documents in a segment")

            // Nothing changed since the last run: up to date, not a byte rewritten.
            let snapshot = try Inc.folderSnapshot(index)
            let again = try Kit.sift(["index", corpus.root.path, "--index", index])
            #expect(again.status == 0)
            #expect(again.stdout.contains("\(index) is up to date: \(corpus.files.count) files unchanged"), "\(again.stdout)")
            #expect(try Inc.folderSnapshot(index) == snapshot)
        }
    }
}
