import Foundation
import SiftTestSupport
import Testing

/// The rule for tests that need `../shared/data`: run when the data is there, show as skipped
/// when it is not, and fail in CI rather than pass unseen.
@Suite struct SharedDataTests {
    @Test("present data runs; absent data is skipped off CI and runs (to fail) in CI")
    func rule() {
        #expect(SharedData.shouldRun(isPresent: true, isCI: false))
        #expect(SharedData.shouldRun(isPresent: true, isCI: true))
        #expect(!SharedData.shouldRun(isPresent: false, isCI: false))
        #expect(SharedData.shouldRun(isPresent: false, isCI: true))
    }

    @Test("CI is recognised as true, 1 or yes", arguments: [("true", true), ("TRUE", true), ("1", true), ("yes", true),
                                                            ("false", false), ("0", false), ("", false)])
    func ciValues(value: String, expected: Bool) {
        #expect(SharedData.isCI(value) == expected)
        #expect(!SharedData.isCI(nil))
    }

    @Test("require throws for a set that is absent, naming it; returns the folder of one that is present")
    func require() throws {
        #expect(throws: SharedData.Missing.self) { try SharedData.require("no-such-data-set-\(UUID().uuidString)") }
        if let root = SharedData.root, let name = try FileManager.default.contentsOfDirectory(atPath: root.path).first {
            #expect(try SharedData.require(name).path == root.appendingPathComponent(name).path)
        }
    }

    @Test(".ci/run sets CI=true, so a missing data set fails CI")
    func ciScript() throws {
        let script = try String(contentsOf: SiftProcess.packageRoot.appendingPathComponent(".ci/run"), encoding: .utf8)
        #expect(script.contains("export CI=\"${CI:-true}\""))
    }
}
