import Foundation
import Testing
@_spi(SiftInternal) @testable import SiftIndex
import SiftTestSupport
@testable import SiftIngest
@testable import SiftSearch
@_spi(SiftInternal) @testable import SiftStorage
@testable import SiftAnalysis

struct IncrementalScenario: Sendable, CustomTestStringConvertible {
    var seed: UInt64
    var unit: DocumentUnit
    var mergeFactor: Int
    var maxDeletedShare = 0.2
    var jsonl = false
    var jobs = 1
    var steps = 8
    /// One writer for every step (commit after commit) instead of one per step.
    var reuseWriter = false
    /// Steps after whose update the index is merged and its documents reordered
    /// (`forceMerge(reorderingDocuments: true)`), in a commit of its own.
    var reorderSteps: Set<Int> = []

    var testDescription: String {
        "seed \(seed), unit \(unit.rawValue), mergeFactor \(mergeFactor), maxDeletedShare \(maxDeletedShare)\(jsonl ? ", jsonl" : ""), jobs \(jobs)\(reuseWriter ? ", one writer" : "")"
            + (reorderSteps.isEmpty ? "" : ", reordered after steps \(reorderSteps.sorted())")
    }
}
