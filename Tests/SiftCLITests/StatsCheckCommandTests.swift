import Foundation
import Sift
import Testing

@Suite struct StatsCheckCommandTests {
    typealias Kit = IndexCLITestKit

    /// Builds the seed corpus' line index in a fresh folder.
    static func withSeedIndex(_ body: (String) throws -> Void) throws {
        try Kit.withFolder { folder in
            let index = folder.appendingPathComponent("idx").path
            let result = try Kit.sift(["index", "seeds", "--unit", "line", "--index", index], in: SiftProcess.packageRoot)
            #expect(result.status == 0, "\(result.stderr)")
            try body(index)
        }
    }

    /// The index file whose name ends with `suffix` ("manifest", ".terms", …).
    static func file(_ suffix: String, in index: String) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: index).filter { $0.hasSuffix(suffix) && !$0.hasSuffix(".tmp") }
        guard names.count == 1 else { throw StatsCheckTestFailure(description: "expected one *\(suffix) in \(index), found \(names)") }
        return index + "/" + names[0]
    }

    static let kinds = ["manifest", ".terms", ".postings", ".positions", ".docs", ".sources"]

    @Test("stats text: documents, terms, tokens, analyzer, bytes per file")
    func statsText() throws {
        try Self.withSeedIndex { index in
            let result = try Kit.sift(["stats", "--index", index])
            #expect(result.status == 0)
            let lines = result.stdout.split(separator: "\n").map(String.init)
            #expect(lines.contains { $0.hasPrefix("documents:") && $0.hasSuffix(" 20") }, "\(result.stdout)")
            #expect(lines.contains { $0.hasPrefix("segments:") && $0.hasSuffix(" 1") })
            #expect(lines.contains { $0.hasPrefix("analyzer:") && $0.contains("porter") && $0.contains("english") })
            #expect(lines.contains { $0.hasPrefix("unique terms:") })
            #expect(lines.contains { $0.hasPrefix("average length:") && $0.hasSuffix(" tokens") })
            for kind in Self.kinds {
                let name = (try Self.file(kind, in: index) as NSString).lastPathComponent
                #expect(lines.contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix(name + " ") }, "no line for \(name)")
            }
        }
    }

    @Test("stats json: documents 20 and counts that agree with the library")
    func statsJSON() throws {
        try Self.withSeedIndex { index in
            let result = try Kit.sift(["stats", "--index", index, "--format", "json"])
            #expect(result.status == 0)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(object["documents"] as? Int == 20)
            #expect(object["segments"] as? Int == 1)
            #expect(object["index"] as? String == index)
            let reader = try IndexReader(path: index)
            let statistics = try reader.statistics()
            #expect(object["terms"] as? Int == statistics.termCount)
            #expect(object["tokens"] as? Int == Int(reader.tokenCount))
            let average = try #require(object["averageDocumentLength"] as? Double)
            #expect(abs(average - reader.averageDocumentLength) < 1e-9)
            let analyzer = try #require(object["analyzer"] as? [String: String])
            #expect(analyzer["stemmer"] == "porter")
            #expect(analyzer["stopwords"] == "english")
            let files = try #require(object["files"] as? [[String: Any]])
            var onDisk = 0
            for file in files {
                let name = try #require(file["name"] as? String)
                let size = try #require(file["bytes"] as? Int)
                let attributes = try FileManager.default.attributesOfItem(atPath: index + "/" + name)
                #expect(attributes[.size] as? Int == size, "\(name)")
                onDisk += size
            }
            #expect(files.count == 6)
            #expect(object["bytes"] as? Int == onDisk)
        }
    }

    @Test("stats and check of a missing index exit 66")
    func missing() throws {
        try Kit.withFolder { folder in
            let index = folder.appendingPathComponent("none").path
            #expect(try Kit.sift(["stats", "--index", index]).status == 66)
            let check = try Kit.sift(["check", "--index", index])
            #expect(check.status == 66)
            #expect(check.stderr.contains("sift index"))
        }
    }

    @Test("check passes a fresh index and reports what it verified")
    func checkPasses() throws {
        try Self.withSeedIndex { index in
            let result = try Kit.sift(["check", "--index", index])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("ok: \(index): 1 segment, 0 deleted documents, 1 file"), "\(result.stdout)")
            #expect(result.stderr.isEmpty)
            let deep = try Kit.sift(["check", "--deep", "--index", index])
            #expect(deep.status == 0, "\(deep.stderr)")
            #expect(deep.stdout.hasPrefix("ok: \(index): 1 segment, 20 documents (0 deleted)"), "\(deep.stdout)")
        }
    }

    @Test("one flipped byte in each file: check and search --verify exit 65 naming it; search never traps", arguments: kinds)
    func flippedByte(kind: String) throws {
        try Self.withSeedIndex { index in
            let path = try Self.file(kind, in: index)
            var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            bytes[bytes.count / 2] ^= 0x01
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let name = (path as NSString).lastPathComponent
            let check = try Kit.sift(["check", "--index", index])
            #expect(check.status == 65)
            #expect(check.stderr.contains(name), "stderr: \(check.stderr)")
            #expect(check.stderr.contains("corrupt"))
            #expect(check.stdout.isEmpty)
            let verified = try Kit.sift(["search", "--verify", "--index", index, "Ghani"])
            #expect(verified.status == 65)
            #expect(verified.stderr.contains(name), "stderr: \(verified.stderr)")
            // Without --verify, search reads only what the query needs: a flipped byte it never
            // reads cannot change the answer, and one it reads gives a clear error.
            let search = try Kit.sift(["search", "--index", index, "Ghani"])
            #expect(search.status == 0 || (search.status == 65 && search.stderr.contains("Error:")), "\(search.status): \(search.stderr)")
            #expect(try Kit.sift(["stats", "--index", index]).status == 65)
        }
    }

    @Test("each file truncated by a few bytes: check exits 65 naming it", arguments: kinds)
    func truncated(kind: String) throws {
        try Self.withSeedIndex { index in
            let path = try Self.file(kind, in: index)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            try bytes.prefix(bytes.count - 3).write(to: URL(fileURLWithPath: path))
            let name = (path as NSString).lastPathComponent
            let check = try Kit.sift(["check", "--index", index])
            #expect(check.status == 65)
            #expect(check.stderr.contains(name), "stderr: \(check.stderr)")
            let search = try Kit.sift(["search", "--index", index, "Ghani"])
            #expect(search.status == 65)
        }
    }

    @Test("a manifest of a newer format version: search and check exit 65 and say newer")
    func newerManifest() throws {
        try Self.withSeedIndex { index in
            let path = index + "/manifest"
            var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            bytes[8] = 99; bytes[9] = 0; bytes[10] = 0; bytes[11] = 0
            // The trailing CRC-32C of everything before it, little-endian, recomputed.
            let crc = Self.crc32c(Array(bytes.dropLast(4)))
            for index in 0..<4 { bytes[bytes.count - 4 + index] = UInt8((crc >> (8 * UInt32(index))) & 0xFF) }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let search = try Kit.sift(["search", "--index", index, "Ghani"])
            #expect(search.status == 65)
            #expect(search.stderr.contains("newer"), "stderr: \(search.stderr)")
            #expect(search.stderr.contains("manifest"))
            let check = try Kit.sift(["check", "--index", index])
            #expect(check.status == 65)
            #expect(check.stderr.contains("newer"))
        }
    }

    @Test("a stray .tmp and an unreferenced segment file do not disturb check or search")
    func strayFiles() throws {
        try Self.withSeedIndex { index in
            try Data("half written".utf8).write(to: URL(fileURLWithPath: index + "/manifest.tmp"))
            try Data("junk".utf8).write(to: URL(fileURLWithPath: index + "/seg-0123456789abcdef.terms"))
            #expect(try Kit.sift(["check", "--index", index]).status == 0)
            #expect(try Kit.searchIds(["Blinken"], index: index).first == "\(Kit.seedFile)#L17")
            // The next commit sweeps them away.
            let rebuild = try Kit.sift(["index", "seeds", "--unit", "line", "--index", index], in: SiftProcess.packageRoot)
            #expect(rebuild.status == 0)
            let names = try FileManager.default.contentsOfDirectory(atPath: index)
            #expect(!names.contains("manifest.tmp"))
            #expect(!names.contains("seg-0123456789abcdef.terms"))
        }
    }

    /// Bitwise CRC-32C (Castagnoli), independent of the library's.
    static func crc32c(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }
}

struct StatsCheckTestFailure: Error, CustomStringConvertible {
    var description: String
}
