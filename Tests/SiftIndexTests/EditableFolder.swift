import Foundation
import Testing
@_spi(SiftInternal) @testable import SiftIndex
import SiftTestSupport
@testable import SiftIngest
@testable import SiftSearch
@_spi(SiftInternal) @testable import SiftStorage
@testable import SiftAnalysis

struct EditableFolder {
    /// Words of 3 to 6 letters, the commonest first; several share a prefix (`sto`, `be`, `f`).
    static let vocabulary = ["cat", "bear", "stone", "dog", "deer", "storm", "fox", "story", "frog", "badger", "bee",
                             "stove", "goat", "stork", "hen", "otter", "hare", "lion", "moose", "ant", "tiger", "eel",
                             "beaver", "gnu", "crab", "falcon", "duck", "ferret"]

    let root: String
    let jsonl: Bool
    var random: TestRandom
    /// Relative path → bytes, as on disk.
    private(set) var files: [String: [UInt8]] = [:]
    private var serial = 0
    private var cumulative: [Double] = []

    init(root: String, seed: UInt64, jsonl: Bool) {
        self.root = root
        self.jsonl = jsonl
        random = TestRandom(seed: seed)
        var total = 0.0
        for index in Self.vocabulary.indices {
            total += 1 / Double(index + 1)
            cumulative.append(total)
        }
    }

    var keys: [String] { files.keys.sorted() }

    mutating func word(capitals: Bool = true) -> String {
        let target = random.unit() * cumulative.last!
        let word = Self.vocabulary[cumulative.firstIndex { $0 >= target } ?? Self.vocabulary.count - 1]
        return capitals && random.below(12) == 0 ? word.capitalized : word
    }

    mutating func line(_ words: ClosedRange<Int> = 1...8, plain: Bool = false) -> String {
        let separators = plain ? [" "] : [" ", " ", ", ", "; ", "  ", "\t", ". "]
        var text = ""
        for index in 0..<random.int(in: words) {
            if index > 0 { text += random.pick(separators) }
            text += word(capitals: !plain)
        }
        return text
    }

    /// Text of 0 to 6 lines, now and then with blank lines (paragraph breaks), empty or blank.
    mutating func body() -> String {
        switch random.below(20) {
        case 0: return ""
        case 1: return "\n  \n"
        default:
            var lines: [String] = []
            for _ in 0..<random.int(in: 1...6) {
                if !lines.isEmpty && random.below(4) == 0 { lines.append(random.below(2) == 0 ? "" : "   ") }
                lines.append(line())
            }
            return lines.joined(separator: "\n") + (random.below(2) == 0 ? "\n" : "")
        }
    }

    mutating func contents(for key: String) -> [UInt8] {
        if key.hasSuffix(".jsonl") {
            var lines: [String] = []
            for record in 0..<random.int(in: 1...4) {
                serial += 1
                lines.append("{\"id\":\"rec-\(serial)-\(record)\",\"title\":\"\(line(1...3, plain: true))\",\"text\":\"\(line(0...10, plain: true))\"}")
                if random.below(3) == 0 { lines.append("") }
            }
            return Array((lines.joined(separator: "\n") + "\n").utf8)
        }
        if key.hasSuffix(".md") { return Array(("# " + line(1...3) + "\n\n" + body()).utf8) }
        return Array(body().utf8)
    }

    mutating func newKey() -> String {
        serial += 1
        switch random.below(jsonl ? 6 : 5) {
        case 0, 1: return "f\(serial).txt"
        case 2: return "notes/n\(serial).md"
        case 3: return "notes/deep/d\(serial).txt"
        case 4: return "g\(serial).TXT"
        default: return "r\(serial).jsonl"
        }
    }

    mutating func set(_ key: String, _ bytes: [UInt8]) throws {
        files[key] = bytes
        try IncrementalKit.write(bytes, to: root + "/" + key)
    }

    /// Adds a file; with `words`, one that holds at least one word.
    @discardableResult
    mutating func addFile(words: Bool = false) throws -> String {
        let key = newKey()
        var bytes = contents(for: key)
        if words && Self.words(bytes).isEmpty { bytes = Array((line() + "\n").utf8) + bytes }
        try set(key, bytes)
        return key
    }

    /// Vocabulary words in `bytes`: (start, length).
    static func words(_ bytes: [UInt8]) -> [(start: Int, count: Int)] {
        var found: [(Int, Int)] = []
        var index = 0
        func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
        while index < bytes.count {
            guard isLetter(bytes[index]) else {
                index += 1
                continue
            }
            var end = index
            while end < bytes.count && isLetter(bytes[end]) { end += 1 }
            let word = String(decoding: bytes[index..<end], as: UTF8.self).lowercased()
            if vocabulary.contains(word) { found.append((index, end - index)) }
            index = end
        }
        return found
    }

    /// Replaces one word with another of the same length (or flips the case of its first
    /// letter): the file keeps its size, only its content changes.
    mutating func editSameSize() throws -> String? {
        let candidates = keys.filter { !Self.words(files[$0]!).isEmpty }
        guard !candidates.isEmpty else { return nil }
        let key = random.pick(candidates)
        var bytes = files[key]!
        let (start, count) = random.pick(Self.words(bytes))
        let old = String(decoding: bytes[start..<(start + count)], as: UTF8.self)
        let others = Self.vocabulary.filter { $0.utf8.count == count && $0 != old.lowercased() }
        if others.isEmpty || random.below(4) == 0 {
            bytes[start] ^= 0x20  // case only: the same terms
        } else {
            bytes.replaceSubrange(start..<(start + count), with: Array(random.pick(others).utf8))
        }
        precondition(bytes.count == files[key]!.count && bytes != files[key]!)
        try set(key, bytes)
        return key
    }

    /// Appends a line, drops the last one, or rewrites the file.
    mutating func editResize() throws -> String? {
        guard let key = keys.isEmpty ? nil : random.pick(keys) else { return nil }
        var bytes = files[key]!
        if key.hasSuffix(".jsonl") || random.below(3) == 0 {
            bytes = contents(for: key)
        } else if random.below(2) == 0 || !bytes.contains(UInt8(ascii: "\n")) {
            bytes += Array(("\n" + line() + "\n").utf8)
        } else {
            bytes = Array(bytes[..<bytes.lastIndex(of: UInt8(ascii: "\n"))!])
        }
        try set(key, bytes)
        return key
    }

    /// Replaces the first line (the title of a text file).
    mutating func editFirstLine() throws -> String? {
        let candidates = keys.filter { !$0.hasSuffix(".jsonl") }
        guard !candidates.isEmpty else { return nil }
        let key = random.pick(candidates)
        let bytes = files[key]!
        let rest = bytes.firstIndex(of: UInt8(ascii: "\n")).map { Array(bytes[$0...]) } ?? []
        try set(key, Array(((key.hasSuffix(".md") ? "# " : "") + line(1...4)).utf8) + rest)
        return key
    }

    mutating func deleteFile() throws -> String? {
        guard let key = keys.isEmpty ? nil : random.pick(keys) else { return nil }
        files[key] = nil
        try FileManager.default.removeItem(atPath: root + "/" + key)
        return key
    }

    /// Moves a file to a new name with the same extension.
    mutating func renameFile() throws -> String? {
        guard let key = keys.isEmpty ? nil : random.pick(keys) else { return nil }
        serial += 1
        let name = (key as NSString).lastPathComponent
        let newKey = key.dropLast(name.count) + "moved\(serial)-" + name
        let bytes = files[key]!
        files[key] = nil
        try FileManager.default.removeItem(atPath: root + "/" + key)
        try set(String(newKey), bytes)
        return key
    }

    /// Writes a file's bytes again: a new timestamp, the same content.
    mutating func touchFile() throws -> String? {
        guard let key = keys.isEmpty ? nil : random.pick(keys) else { return nil }
        try set(key, files[key]!)
        return key
    }

    mutating func emptyFile() throws -> String? {
        let candidates = keys.filter { !$0.hasSuffix(".jsonl") }
        guard !candidates.isEmpty else { return nil }
        let key = random.pick(candidates)
        try set(key, random.below(2) == 0 ? [] : Array("\n \n".utf8))
        return key
    }

    /// A random edit of the folder: always a new file with words (so the commit is written:
    /// a step whose only changes are files without documents would meet the bug shown by
    /// `emptyFileRecorded`) and a same-size edit, then up to four of anything; one step in seven
    /// changes nothing (or only rewrites a file with its own bytes). Returns what was done.
    mutating func randomStep() throws -> [String] {
        if random.below(7) == 0 {
            if random.below(2) == 0, let key = try touchFile() { return ["touch \(key)"] }
            return ["nothing"]
        }
        var done = ["add \(try addFile(words: true))"]
        if let key = try editSameSize() { done.append("same-size \(key)") }
        for _ in 0..<random.int(in: 1...4) {
            switch random.below(9) {
            case 0: done.append("add \(try addFile())")
            case 1: if let key = try editSameSize() { done.append("same-size \(key)") }
            case 2: if let key = try editResize() { done.append("resize \(key)") }
            case 3: if let key = try editFirstLine() { done.append("title \(key)") }
            case 4, 5: if let key = try deleteFile() { done.append("delete \(key)") }
            case 6: if let key = try renameFile() { done.append("rename \(key)") }
            case 7: if let key = try touchFile() { done.append("touch \(key)") }
            default: if let key = try emptyFile() { done.append("empty \(key)") }
            }
        }
        return done
    }

    /// Pairs of adjacent words of some file, for phrase queries that match.
    mutating func adjacentPair() -> String? {
        for _ in 0..<10 {
            guard let key = keys.isEmpty ? nil : random.pick(keys) else { return nil }
            let bytes = files[key]!
            let words = Self.words(bytes)
            guard words.count >= 2 else { continue }
            let index = random.below(words.count - 1)
            let (a, b) = (words[index], words[index + 1])
            let between = bytes[(a.start + a.count)..<b.start]
            guard between.allSatisfy({ $0 == UInt8(ascii: " ") }) else { continue }
            return String(decoding: bytes[a.start..<(a.start + a.count)], as: UTF8.self) + " "
                + String(decoding: bytes[b.start..<(b.start + b.count)], as: UTF8.self)
        }
        return nil
    }
}

/// One run of the incremental-versus-fresh property.
