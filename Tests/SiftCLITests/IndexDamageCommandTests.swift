import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Writers on a damaged index, an index of another analyzer version, misleading errors, and an
/// interrupted `sift index`.
@Suite struct IndexDamageCommandTests {
    typealias Kit = IndexCLITestKit
    typealias Inc = IncrementalKit

    static let files = ["a.txt": "Alpha\n\nriver mountain", "b.txt": "Beta\n\nocean island", "c.md": "# Gamma\n\ncanyon river"]

    /// The CRC-32C (Castagnoli) of `bytes`, to rewrite a file's trailer after a deliberate edit.
    static func crc32c(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }

    static func name(in index: String, suffix: String) throws -> String {
        try #require(try FileManager.default.contentsOfDirectory(atPath: index).first { $0.hasSuffix(suffix) })
    }

    @Test("a flipped byte in a .postings file: index (no change), an update adding a file, and optimize exit 65 naming it")
    func writersVerifyChecksums() throws {
        try Kit.withFolder { folder in
            let (corpus, index) = try Kit.makeIndex(Self.files, in: folder)
            let postings = index + "/" + (try Self.name(in: index, suffix: ".postings"))
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: postings)))
            bytes[20] ^= 0x10  // the trailer is kept, so only a full checksum finds it
            try Data(bytes).write(to: URL(fileURLWithPath: postings))
            let before = try Inc.folderSnapshot(index)
            let unchanged = try Kit.sift(["index", corpus, "--index", index])
            #expect(unchanged.status == 65 && unchanged.stderr.contains(postings) && unchanged.stderr.contains("--full"),
                    "\(unchanged.stdout) \(unchanged.stderr)")
            try SiftProcess.write(["new.txt": "new words"], in: URL(fileURLWithPath: corpus))
            let adding = try Kit.sift(["index", corpus, "--index", index])
            #expect(adding.status == 65 && adding.stderr.contains(postings), "\(adding.stdout) \(adding.stderr)")
            let optimize = try Kit.sift(["optimize", "--index", index])
            #expect(optimize.status == 65 && optimize.stderr.contains(postings), "\(optimize.stdout) \(optimize.stderr)")
            #expect(try Inc.folderSnapshot(index) == before, "no writer wrote on the damaged index")
            let rebuilt = try Kit.sift(["index", corpus, "--index", index, "--full"])
            #expect(rebuilt.status == 0, "--full rebuilds it: \(rebuilt.stderr)")
        }
    }

    @Test("an index of another analyzer version: an update exits 64 pointing to --full; a search warns; --full rebuilds")
    func analyzerVersion() throws {
        try Kit.withFolder { folder in
            let (corpus, index) = try Kit.makeIndex(Self.files, in: folder)
            let manifest = URL(fileURLWithPath: index + "/manifest")
            var bytes = [UInt8](try Data(contentsOf: manifest))
            // After the 16-byte header: stemmer (1), stop words (1, english), analyzer version (u32).
            #expect(bytes[18..<22] == [1, 0, 0, 0], "the manifest records analyzer version 1 after the stop words")
            bytes[18] = 7
            let crc = Self.crc32c(bytes[0..<(bytes.count - 4)])
            for index in 0..<4 { bytes[bytes.count - 4 + index] = UInt8((crc >> (8 * UInt32(index))) & 0xFF) }
            try Data(bytes).write(to: manifest)
            let update = try Kit.sift(["index", corpus, "--index", index])
            #expect(update.status == 64 && update.stderr.contains("analyzer version 7") && update.stderr.contains("--full"),
                    "\(update.stdout) \(update.stderr)")
            let optimize = try Kit.sift(["optimize", "--index", index])
            #expect(optimize.status == 64 && optimize.stderr.contains("--full"), "\(optimize.stderr)")
            let search = try Kit.sift(["search", "--index", index, "river"])
            #expect(search.status == 0 && search.stderr.contains("analyzer version 7") && search.stderr.contains("rebuild"), "\(search.stderr)")
            #expect(try Kit.sift(["index", corpus, "--index", index, "--full"]).status == 0)
            let clean = try Kit.sift(["search", "--index", index, "river"])
            #expect(clean.status == 0 && clean.stderr.isEmpty, "\(clean.stderr)")
            let stats = try Inc.stats(index)
            #expect(Inc.int(stats, "analyzerVersion") == 1)
        }
    }

    @Test("a manifest that is a folder, a flipped version byte, a lost manifest: accurate messages, exit 65")
    func misleadingErrors() throws {
        try Kit.withFolder { folder in
            let (_, index) = try Kit.makeIndex(Self.files, in: folder)
            let manifest = index + "/manifest"
            let original = try Data(contentsOf: URL(fileURLWithPath: manifest))
            var flipped = [UInt8](original)
            flipped[8] ^= 0x08
            try Data(flipped).write(to: URL(fileURLWithPath: manifest))
            let version = try Kit.sift(["search", "--index", index, "river"])
            #expect(version.status == 65 && version.stderr.contains("checksum") && !version.stderr.contains("newer"), "\(version.stderr)")

            try FileManager.default.removeItem(atPath: manifest)
            let lost = try Kit.sift(["search", "--index", index, "river"])
            #expect(lost.status == 65 && lost.stderr.contains("no manifest") && lost.stderr.contains("--full"), "\(lost.stderr)")
            let lostUpdate = try Kit.sift(["stats", "--index", index])
            #expect(lostUpdate.status == 65, "\(lostUpdate.stderr)")

            try FileManager.default.createDirectory(atPath: manifest, withIntermediateDirectories: false)
            let isFolder = try Kit.sift(["search", "--index", index, "river"])
            #expect(isFolder.status == 65 && isFolder.stderr.contains("a folder, not a file") && !isFolder.stderr.contains("No such device"),
                    "\(isFolder.stderr)")
        }
    }

    @Test("--stopwords: /dev/null is an empty list, a pipe is read, invalid UTF-8 is bad data (65), a folder or missing file 66")
    func stopWordFiles() throws {
        try Kit.withFolder { folder in
            let corpus = folder.appendingPathComponent("corpus")
            try SiftProcess.write(Self.files, in: corpus)
            let empty = try Kit.sift(["index", corpus.path, "--index", folder.appendingPathComponent("i1").path, "--stopwords", "/dev/null"])
            #expect(empty.status == 0, "\(empty.stderr)")
            let piped = try SiftProcess.run(["analyze", "--stemmer", "none", "--stopwords", "/dev/stdin", "the river"], input: Data("river\n".utf8))
            #expect(piped.status == 0 && piped.stdout.hasPrefix("the\t0"), "\(piped.stdout) \(piped.stderr)")
            let invalid = folder.appendingPathComponent("bad.txt")
            try Data([0x66, 0x6F, 0x0A, 0xFF, 0xFE, 0x0A]).write(to: invalid)
            let bad = try Kit.sift(["index", corpus.path, "--index", folder.appendingPathComponent("i2").path, "--stopwords", invalid.path])
            #expect(bad.status == 65 && bad.stderr.contains("not valid UTF-8"), "\(bad.stderr)")
            let isFolder = try Kit.sift(["analyze", "--stopwords", folder.path, "x"])
            #expect(isFolder.status == 66 && isFolder.stderr.contains("Is a directory"), "\(isFolder.stderr)")
        }
    }

    @Test("SIGINT or SIGTERM during an update: the previous index as it was, and no temporary file left")
    func interrupted() throws {
        for signal in [SIGINT, SIGTERM] {
            try Kit.withFolder { folder in
                let (corpus, index) = try Kit.makeIndex(Self.files, in: folder)
                let before = try Kit.indexFiles(index)
                try CrashSafetyTests.generate(count: 3000, size: 3000, in: URL(fileURLWithPath: corpus).appendingPathComponent("more"), seed: 7)
                let process = try Inc.start(["index", corpus, "--index", index, "--jobs", "1", "--memory-budget", "16"])
                // Wait until the writer has temporary files of its own, then interrupt it.
                let deadline = Date().addingTimeInterval(60)
                var sawTemporary = false
                while Date() < deadline && process.isRunning && !sawTemporary {
                    sawTemporary = ((try? FileManager.default.contentsOfDirectory(atPath: index)) ?? []).contains { $0.hasPrefix("building-") || $0.hasPrefix("flush-") }
                    if !sawTemporary { usleep(2_000) }
                }
                try #require(sawTemporary, "the writer got to write temporaries")
                kill(process.processIdentifier, signal)
                process.waitUntilExit()
                #expect(process.terminationReason == .exit && process.terminationStatus == 128 + signal,
                        "ended at the signal (status 128 + \(signal)), not \(process.terminationReason.rawValue) \(process.terminationStatus)")
                let left = try FileManager.default.contentsOfDirectory(atPath: index).filter { $0.hasSuffix(".tmp") || $0.hasPrefix("building-") || $0.hasPrefix("flush-") }
                #expect(left.isEmpty, "signal \(signal): left \(left)")
                #expect(try Kit.indexFiles(index) == before, "signal \(signal): the previous index, exactly")
                #expect(try Kit.sift(["check", "--index", index]).status == 0)
            }
        }
    }
}
