import Dispatch
import SiftAnalysis
@_spi(SiftInternal) import SiftStorage
import SiftIngest

/// One analysis thread's state: its analyzer (whose caches persist across batches) and the
/// analyzed documents of the current batch, postings grouped by key with worker-local ids.
final class AnalysisWorker: @unchecked Sendable {
    private let analyzer: Analyzer
    private var tokens: [AnalyzedToken] = []
    private var grouping = KeyGrouping()

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
        var tokens = self.tokens, stored = self.stored, grouping = self.grouping
        self.positions = []; self.localKeys = []; self.frequencies = []; self.tokens = []
        self.stored = ByteWriter(); self.grouping = KeyGrouping()
        defer {
            self.positions = positions; self.localKeys = localKeys; self.frequencies = frequencies
            self.tokens = tokens; self.stored = stored; self.grouping = grouping
        }
        for document in documents {
            tokens.removeAll(keepingCapacity: true)
            document.text.withUnsafeBufferPointer { _ = analyzer.analyze($0, into: &tokens) }
            let textCount = tokens.count
            Array(document.title.utf8).withUnsafeBufferPointer { _ = analyzer.analyze($0, into: &tokens) }
            lengths.append(UInt32(textCount))
            titleLengths.append(UInt32(tokens.count - textCount))
            grouping.group(tokens, textCount: textCount, keys: &localKeys, frequencies: &frequencies, positions: &positions)
            postingEnds.append(localKeys.count)
            positionEnds.append(positions.count)
            stored.writeVarint(UInt64(document.id.utf8.count)); stored.write(bytes: document.id.utf8)
            stored.writeVarint(UInt64(document.title.utf8.count)); stored.write(bytes: document.title.utf8)
            stored.writeVarint(UInt64(document.text.count)); stored.write(bytes: document.text)
            MetadataCoding.encode(document.metadata, into: &stored)
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

/// Groups one document's tokens into postings: one per key (term id · 2 + 1 for the title
/// field), in order of first occurrence, with its positions ascending — a counting pass over
/// the tokens and no sort (the segment writer orders terms itself, so the order of keys within
/// a document does not reach the index). Per-key tables are stamped with the document, so
/// nothing is cleared between documents.
struct KeyGrouping {
    /// The document that last saw each key; a key's slot is valid only under the current stamp.
    private var stamps: [UInt32] = []
    private var slots: [Int32] = []
    /// Per slot of the current document: its token count, then where its next position goes.
    private var counts: [UInt32] = []
    private var stamp: UInt32 = 0

    mutating func group(_ tokens: [AnalyzedToken], textCount: Int, keys: inout [Int32], frequencies: inout [UInt32],
                        positions: inout [UInt32]) {
        stamp &+= 1
        if stamp == 0 {
            // Wrapped after 2^32 documents: forget every stamp once.
            for index in stamps.indices { stamps[index] = 0 }
            stamp = 1
        }
        let stamp = self.stamp
        counts.removeAll(keepingCapacity: true)
        var largest = -1
        for token in tokens { largest = max(largest, Int(token.termID)) }
        if largest * 2 + 2 > stamps.count {
            let size = max(largest * 2 + 2, stamps.count * 2)
            stamps.append(contentsOf: repeatElement(0, count: size - stamps.count))
            slots.append(contentsOf: repeatElement(0, count: size - slots.count))
        }
        let firstPosition = positions.count
        positions.append(contentsOf: repeatElement(0, count: tokens.count))
        tokens.withUnsafeBufferPointer { tokens in
            stamps.withUnsafeMutableBufferPointer { stamps in
                slots.withUnsafeMutableBufferPointer { slots in
                    for index in 0..<tokens.count {
                        let key = Int(tokens[index].termID) &* 2 &+ (index < textCount ? 0 : 1)
                        if stamps[key] != stamp {
                            stamps[key] = stamp
                            slots[key] = Int32(truncatingIfNeeded: counts.count)
                            counts.append(0)
                            keys.append(Int32(truncatingIfNeeded: key))
                        }
                        counts[Int(slots[key])] &+= 1
                    }
                    var running = UInt32(truncatingIfNeeded: firstPosition)
                    for slot in 0..<counts.count {
                        let count = counts[slot]
                        frequencies.append(count)
                        counts[slot] = running
                        running &+= count
                    }
                    counts.withUnsafeMutableBufferPointer { counts in
                        positions.withUnsafeMutableBufferPointer { out in
                            for index in 0..<tokens.count {
                                let key = Int(tokens[index].termID) &* 2 &+ (index < textCount ? 0 : 1)
                                let slot = Int(slots[key])
                                out[Int(counts[slot])] = tokens[index].position
                                counts[slot] &+= 1
                            }
                        }
                    }
                }
            }
        }
    }
}
