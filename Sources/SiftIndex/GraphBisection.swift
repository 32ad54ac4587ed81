import Dispatch

/// Document reordering by recursive graph bisection (Dhulipala et al., "Compressing Graphs and
/// Indexes with Recursive Graph Bisection", KDD 2016; the choices below follow the
/// reproducibility study of Mackenzie et al., ECIR 2019): documents that share terms get nearby
/// numbers, so the gaps in posting lists shrink and blocks of postings hold fewer distinct
/// documents' worth of terms.
///
/// The documents (a range of the order being built) are split in two halves; for a fixed number
/// of rounds, each document's gain from moving to the other half is computed under the log-gap
/// cost model, both halves are sorted by gain, and pairs are swapped while the two gains sum to
/// more than zero. Then each half is bisected in turn, down to small leaves.
///
/// Deterministic by construction: no randomness (the first split is the current order),
/// fixed round counts, gains summed in a fixed order with a logarithm computed from basic
/// arithmetic (the same bits on any IEEE machine), and ties broken by document number. Halves
/// are independent, so they run on several threads with the same result.
enum GraphBisection {
    /// What the bisection looks at and how long it works.
    struct Parameters: Equatable, Sendable {
        /// Rounds of swaps per split (fewer when a round swaps nothing).
        var iterations = 20
        /// Ranges of at most this many documents are not split further.
        var leafSize = 16
        /// Splits go no deeper than this.
        var maximumDepth = 40
        /// Terms in fewer documents than this are ignored: they cost time and change few gaps.
        var minimumDocumentFrequency = 2
    }

    /// Each document's terms, as dense term numbers ascending: what the bisection reads.
    struct ForwardIndex {
        /// `terms[starts[d] ..< starts[d + 1]]` are document `d`'s terms.
        var starts: [Int]
        var terms: [UInt32]
        var termCount: Int

        var documentCount: Int { starts.count - 1 }

        /// Bytes the bisection holds for an index of `documents` documents, `postings` term
        /// entries and `terms` distinct terms, on `jobs` threads: the forward index, the order
        /// and the gains, and each thread's per-term tables.
        static func bytesNeeded(documents: Int, postings: Int, terms: Int, jobs: Int) -> Int {
            postings * 4 + documents * (8 + 4 + 16) + jobs * terms * (4 + 4 + 8 + 8 + 4)
        }
    }

    /// The new order: `order[new] = old`.
    static func order(_ index: ForwardIndex, parameters: Parameters = Parameters(), jobs: Int = 1) -> [UInt32] {
        let count = index.documentCount
        var order = (0..<count).map { UInt32($0) }
        guard count > 1 else { return order }
        let logarithms = LogarithmTable(upTo: count + 2)
        var level: [Range<Int>] = [0..<count]
        var depth = 0
        let threads = max(1, jobs)
        let scratches = (0..<threads).map { _ in ScratchBox(Scratch(termCount: index.termCount)) }
        while !level.isEmpty && depth < parameters.maximumDepth {
            let nodes = level.filter { $0.count > parameters.leafSize }
            guard !nodes.isEmpty else { break }
            order.withUnsafeMutableBufferPointer { order in
                let shared = SharedOrder(order)
                let workers = min(threads, nodes.count)
                if workers == 1 {
                    for node in nodes {
                        bisect(node, order: shared, index: index, logarithms: logarithms, parameters: parameters,
                               scratch: &scratches[0].scratch)
                    }
                } else {
                    DispatchQueue.concurrentPerform(iterations: workers) { worker in
                        // Disjoint ranges of the order, one scratch per worker.
                        for node in stride(from: worker, to: nodes.count, by: workers) {
                            bisect(nodes[node], order: shared, index: index, logarithms: logarithms, parameters: parameters,
                                   scratch: &scratches[worker].scratch)
                        }
                    }
                }
            }
            level = nodes.flatMap { node -> [Range<Int>] in
                let middle = node.lowerBound + node.count / 2
                return [node.lowerBound..<middle, middle..<node.upperBound]
            }
            depth += 1
        }
        // Each split leaves its halves in document order, so a leaf keeps its documents in
        // their old order.
        return order
    }

    /// The order array, shared by workers that each touch only their own ranges.
    private struct SharedOrder: @unchecked Sendable {
        let base: UnsafeMutableBufferPointer<UInt32>
        init(_ base: UnsafeMutableBufferPointer<UInt32>) { self.base = base }
    }

    private final class ScratchBox: @unchecked Sendable {
        var scratch: Scratch
        init(_ scratch: Scratch) { self.scratch = scratch }
    }

    /// One thread's tables, per term (kept zero between splits) and per document of a split.
    struct Scratch {
        var leftDegree: [Int32]
        var rightDegree: [Int32]
        var leftToRight: [Double]
        var rightToLeft: [Double]
        /// The terms the current split touches, each once.
        var touched: [UInt32] = []
        var seen: [Bool]
        var left: [(gain: Double, document: UInt32)] = []
        var right: [(gain: Double, document: UInt32)] = []

        init(termCount: Int) {
            leftDegree = [Int32](repeating: 0, count: termCount)
            rightDegree = [Int32](repeating: 0, count: termCount)
            leftToRight = [Double](repeating: 0, count: termCount)
            rightToLeft = [Double](repeating: 0, count: termCount)
            seen = [Bool](repeating: false, count: termCount)
        }
    }

    /// Splits `range` of the order in two halves and swaps documents between them.
    private static func bisect(_ range: Range<Int>, order shared: SharedOrder, index: ForwardIndex, logarithms: LogarithmTable,
                               parameters: Parameters, scratch: inout Scratch) {
        let order = shared.base
        let middle = range.lowerBound + range.count / 2
        let leftCount = middle - range.lowerBound
        let rightCount = range.upperBound - middle
        index.starts.withUnsafeBufferPointer { starts in
        index.terms.withUnsafeBufferPointer { terms in
        scratch.leftDegree.withUnsafeMutableBufferPointer { leftDegree in
        scratch.rightDegree.withUnsafeMutableBufferPointer { rightDegree in
        scratch.leftToRight.withUnsafeMutableBufferPointer { leftToRight in
        scratch.rightToLeft.withUnsafeMutableBufferPointer { rightToLeft in
        scratch.seen.withUnsafeMutableBufferPointer { seen in
            scratch.touched.removeAll(keepingCapacity: true)
            for position in range {
                let document = Int(order[position])
                let isLeft = position < middle
                for entry in starts[document]..<starts[document + 1] {
                    let term = Int(terms[entry])
                    if !seen[term] {
                        seen[term] = true
                        scratch.touched.append(UInt32(term))
                    }
                    if isLeft { leftDegree[term] += 1 } else { rightDegree[term] += 1 }
                }
            }
            let logLeft = logarithms[leftCount]
            let logRight = logarithms[rightCount]
            for _ in 0..<parameters.iterations {
                // What moving one document across saves, per term: the log-gap cost of the
                // term's postings before the move, less after.
                for term in scratch.touched {
                    let term = Int(term)
                    let l = Int(leftDegree[term])
                    let r = Int(rightDegree[term])
                    let before = cost(l, logLeft, logarithms) + cost(r, logRight, logarithms)
                    leftToRight[term] = l > 0 ? before - cost(l - 1, logLeft, logarithms) - cost(r + 1, logRight, logarithms) : 0
                    rightToLeft[term] = r > 0 ? before - cost(l + 1, logLeft, logarithms) - cost(r - 1, logRight, logarithms) : 0
                }
                scratch.left.removeAll(keepingCapacity: true)
                scratch.right.removeAll(keepingCapacity: true)
                for position in range {
                    let document = order[position]
                    var gain = 0.0
                    if position < middle {
                        for entry in starts[Int(document)]..<starts[Int(document) + 1] { gain += leftToRight[Int(terms[entry])] }
                        scratch.left.append((gain, document))
                    } else {
                        for entry in starts[Int(document)]..<starts[Int(document) + 1] { gain += rightToLeft[Int(terms[entry])] }
                        scratch.right.append((gain, document))
                    }
                }
                // Largest gain first; equal gains by document number.
                let byGain: ((gain: Double, document: UInt32), (gain: Double, document: UInt32)) -> Bool = { a, b in
                    a.gain != b.gain ? a.gain > b.gain : a.document < b.document
                }
                scratch.left.sort(by: byGain)
                scratch.right.sort(by: byGain)
                var swaps = 0
                while swaps < min(leftCount, rightCount) && scratch.left[swaps].gain + scratch.right[swaps].gain > 0 {
                    let goingRight = Int(scratch.left[swaps].document)
                    let goingLeft = Int(scratch.right[swaps].document)
                    for entry in starts[goingRight]..<starts[goingRight + 1] {
                        let term = Int(terms[entry])
                        leftDegree[term] -= 1
                        rightDegree[term] += 1
                    }
                    for entry in starts[goingLeft]..<starts[goingLeft + 1] {
                        let term = Int(terms[entry])
                        rightDegree[term] -= 1
                        leftDegree[term] += 1
                    }
                    let swapped = scratch.left[swaps].document
                    scratch.left[swaps].document = scratch.right[swaps].document
                    scratch.right[swaps].document = swapped
                    swaps += 1
                }
                for (offset, entry) in scratch.left.enumerated() { order[range.lowerBound + offset] = entry.document }
                for (offset, entry) in scratch.right.enumerated() { order[middle + offset] = entry.document }
                if swaps == 0 { break }
            }
            // Leave the per-term tables as they were found: zero.
            for term in scratch.touched {
                let term = Int(term)
                seen[term] = false
                leftDegree[term] = 0
                rightDegree[term] = 0
            }
        }}}}}}}
        // Each half in document order, so the next splits start from the collection's order.
        order[range.lowerBound..<middle].sort()
        order[middle..<range.upperBound].sort()
    }

    /// The log-gap cost of a term's `degree` postings in a half of `2^logSize` documents:
    /// `degree · log2(size / (degree + 1))`.
    @inline(__always)
    private static func cost(_ degree: Int, _ logSize: Double, _ logarithms: LogarithmTable) -> Double {
        Double(degree) * (logSize - logarithms[degree + 1])
    }
}

/// `log2(i)` for `0 ... limit` (0 gives 0), from +, ·, ÷ only: the same bits on every machine
/// with IEEE doubles, which a library `log2` does not promise.
struct LogarithmTable {
    private let values: [Double]

    init(upTo limit: Int) {
        var values = [Double](repeating: 0, count: limit + 1)
        for i in 1..<max(1, limit + 1) { values[i] = Self.log2(UInt64(i)) }
        self.values = values
    }

    subscript(_ i: Int) -> Double { values[i] }

    /// `log2(n)` = e + log2(m), with n = m · 2^e, 1 ≤ m < 2, and ln m = 2·atanh((m−1)/(m+1)).
    static func log2(_ n: UInt64) -> Double {
        precondition(n > 0)
        let exponent = 63 - n.leadingZeroBitCount
        // m in [1, 2): exact, as both n and 2^e are exact doubles below 2^53 (and n is rounded
        // once above it).
        let m = Double(n) / Double(sign: .plus, exponent: exponent, significand: 1)
        let z = (m - 1) / (m + 1)  // 0 ≤ z < 1/3
        let z2 = z * z
        var term = z
        var sum = 0.0
        var k = 1.0
        // z^(2k+1)/(2k+1) < 3^-(2k+1): 24 terms reach below 2^-53 of the sum.
        for _ in 0..<24 {
            sum += term / k
            term *= z2
            k += 2
        }
        let naturalLog = 2 * sum
        return Double(exponent) + naturalLog / 0.693_147_180_559_945_309_417_232_121_458
    }
}
