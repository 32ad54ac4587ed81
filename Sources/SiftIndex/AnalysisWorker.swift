import Dispatch
import SiftAnalysis
@_spi(SiftInternal) import SiftStorage
import SiftIngest

/// One analysis thread's state: its analyzer (whose caches persist across batches) and the
/// analyzed documents of the current batch, postings grouped by key with worker-local ids.
final class AnalysisWorker: @unchecked Sendable {
    private let analyzer: Analyzer
    private var tokens: [AnalyzedToken] = []
    private var sortKeys: [UInt64] = []

    // The current batch, flat.
    private(set) var lengths: [UInt32] = []
    private(set) var titleLengths: [UInt32] = []
    /// Local key = analyzer term id · 2 + (1 for the title field).
    private(set) var localKeys: [Int32] = []
    private(set) var globalKeys: [Int32] = []
    private(set) var frequencies: [UInt32] = []
    private(set) var positions: [UInt32] = []
    private var postingEnds: [Int] = []
    private var positionEnds: [Int] = []
    private var stored = ByteWriter()
    private var storedEnds: [Int] = []
    /// Local key → dictionary key id, −1 until first seen.
    private var keyMap: [Int32] = []

    init(configuration: AnalyzerConfiguration) {
        analyzer = Analyzer(configuration: configuration)
    }

    var documentCount: Int { lengths.count }

    func postingRange(_ document: Int) -> Range<Int> {
        (document == 0 ? 0 : postingEnds[document - 1])..<postingEnds[document]
    }

    func positionRange(_ document: Int) -> Range<Int> {
        (document == 0 ? 0 : positionEnds[document - 1])..<positionEnds[document]
    }

    func storedRecord(_ document: Int) -> ArraySlice<UInt8> {
        stored.bytes[(document == 0 ? 0 : storedEnds[document - 1])..<storedEnds[document]]
    }

    func analyze(_ documents: ArraySlice<SourceDocument>) {
        // The batch arrays are moved into locals for the loop: appending to a class's stored
        // arrays would make a dynamic exclusivity check per token.
        var positions = self.positions, localKeys = self.localKeys, frequencies = self.frequencies
        var tokens = self.tokens, keys = self.sortKeys, stored = self.stored
        self.positions = []; self.localKeys = []; self.frequencies = []; self.tokens = []; self.sortKeys = []
        self.stored = ByteWriter()
        defer {
            self.positions = positions; self.localKeys = localKeys; self.frequencies = frequencies
            self.tokens = tokens; self.sortKeys = keys; self.stored = stored
        }
        for document in documents {
            tokens.removeAll(keepingCapacity: true)
            document.text.withUnsafeBufferPointer { _ = analyzer.analyze($0, into: &tokens) }
            let textCount = tokens.count
            Array(document.title.utf8).withUnsafeBufferPointer { _ = analyzer.analyze($0, into: &tokens) }
            lengths.append(UInt32(textCount))
            titleLengths.append(UInt32(tokens.count - textCount))
            // Group by key (term id · 2 + field), positions ascending within each key: sort
            // plain integers (key in the high half, token index in the low) — no closure.
            keys.removeAll(keepingCapacity: true)
            for (index, token) in tokens.enumerated() {
                let key = UInt64(UInt32(bitPattern: token.termID)) * 2 + (index < textCount ? 0 : 1)
                keys.append(key << 32 | UInt64(index))
            }
            keys.sort()
            var index = 0
            while index < keys.count {
                let key = keys[index] >> 32
                var end = index
                while end < keys.count && keys[end] >> 32 == key {
                    positions.append(tokens[Int(keys[end] & 0xFFFF_FFFF)].position)
                    end += 1
                }
                localKeys.append(Int32(truncatingIfNeeded: key))
                frequencies.append(UInt32(end - index))
                index = end
            }
            postingEnds.append(localKeys.count)
            positionEnds.append(positions.count)
            stored.writeVarint(UInt64(document.id.utf8.count)); stored.write(bytes: document.id.utf8)
            stored.writeVarint(UInt64(document.title.utf8.count)); stored.write(bytes: document.title.utf8)
            stored.writeVarint(UInt64(document.text.count)); stored.write(bytes: document.text)
            storedEnds.append(stored.count)
        }
    }

    /// Resolves the batch's local keys to dictionary key ids, interning new keys (on the
    /// writer's thread, in document order).
    func mapKeys(into keys: inout ByteInterner) {
        globalKeys.removeAll(keepingCapacity: true)
        for local in localKeys {
            let index = Int(local)
            if index >= keyMap.count { keyMap.append(contentsOf: repeatElement(-1, count: index + 1 - keyMap.count)) }
            var key = keyMap[index]
            if key < 0 {
                let field: IndexField = local & 1 == 1 ? .title : .text
                key = keys.intern(IndexFormat.key(analyzer.termBytes(local >> 1), field: field))
                keyMap[index] = key
            }
            globalKeys.append(key)
        }
    }

    func reset() {
        lengths.removeAll(keepingCapacity: true)
        titleLengths.removeAll(keepingCapacity: true)
        localKeys.removeAll(keepingCapacity: true)
        globalKeys.removeAll(keepingCapacity: true)
        frequencies.removeAll(keepingCapacity: true)
        positions.removeAll(keepingCapacity: true)
        postingEnds.removeAll(keepingCapacity: true)
        positionEnds.removeAll(keepingCapacity: true)
        stored.removeAll()
        storedEnds.removeAll(keepingCapacity: true)
    }
}
