import Synchronization

/// A condition on documents' metadata that restricts which documents a search may return,
/// without taking part in their scores (Lucene's filter clauses, tantivy's filters): a
/// filtered search ranks the documents that pass exactly as an unfiltered one would, and its
/// top k are the unfiltered ranking with the other documents left out.
///
/// Values are compared as stored: case-sensitive and exact. A value that is a JSON array
/// (`["energy","markets"]`, see `MetadataList`) is a list: a filter holds when it holds for
/// one of its items. Ranges compare numbers as numbers when the bounds and the value are all
/// numbers (`price:9..20` holds `10`), and otherwise as text, with a bound matching every
/// value it begins — so ISO dates work at any precision: `date:2005-01..2005-06` holds
/// `2005-01-01` through `2005-06-30T23:59`.
///
/// In the query language: `field:value`, `field:"two words"`, `field:from..to`,
/// `field:from..`, `field:..to`, `field:prefix*`, `field:*` (has the field), combined with
/// `AND`, `OR`, `NOT`, `-` and groups.
public indirect enum MetadataFilter: Sendable, Hashable, Codable {
    /// The document's value for `field` is exactly `value`.
    case equals(field: String, value: String)
    /// The document's value for `field` lies in `from...through`; a nil bound is open.
    case range(field: String, from: String?, through: String?)
    /// The document's value for `field` starts with `prefix` (the empty prefix: the document
    /// has the field).
    case prefix(field: String, prefix: String)
    /// Every filter holds (none: every document passes).
    case all([MetadataFilter])
    /// At least one filter holds (none: no document passes).
    case any([MetadataFilter])
    /// The filter does not hold.
    case not(MetadataFilter)

    /// Both filters.
    public func and(_ other: MetadataFilter) -> MetadataFilter {
        if case .all(let filters) = self { return .all(filters + [other]) }
        return .all([self, other])
    }

    /// The metadata fields the filter names, each once, in the order they appear.
    public var fields: [String] {
        var seen: [String] = []
        collectFields(into: &seen)
        return seen
    }

    private func collectFields(into seen: inout [String]) {
        switch self {
        case .equals(let field, _), .range(let field, _, _), .prefix(let field, _):
            if !seen.contains(field) { seen.append(field) }
        case .all(let filters), .any(let filters):
            for filter in filters { filter.collectFields(into: &seen) }
        case .not(let filter):
            filter.collectFields(into: &seen)
        }
    }

    /// Nesting depth (a leaf is 1): deep filters are refused before anything recurses on them.
    func depth(stoppingAfter limit: Int) -> Int {
        switch self {
        case .equals, .range, .prefix:
            return 1
        case .not(let filter):
            return limit <= 0 ? 1 : 1 + filter.depth(stoppingAfter: limit - 1)
        case .all(let filters), .any(let filters):
            guard limit > 0 else { return 1 }
            var deepest = 0
            for filter in filters { deepest = max(deepest, filter.depth(stoppingAfter: limit - 1)) }
            return 1 + deepest
        }
    }

    /// Throws `InvalidArgument` for an empty field name or a filter nested deeper than `maxDepth`.
    package func validate(maxDepth: Int) throws(InvalidArgument) {
        if depth(stoppingAfter: maxDepth) > maxDepth {
            throw InvalidArgument(name: "filter", value: "nested more than \(maxDepth) deep", requirement: "at most \(maxDepth) levels")
        }
        for field in fields where field.isEmpty {
            throw InvalidArgument(name: "filter field", value: "\"\"", requirement: "a metadata key of at least one byte")
        }
    }
}

/// Documents a search passes over — deleted, or left out by a filter — one bit per document
/// number (set: skip). Immutable once made; a search holds it while it runs, so the cache can
/// drop it meanwhile.
package final class SkippedDocuments: @unchecked Sendable {
    package let bits: UnsafeMutablePointer<UInt64>
    let wordCount: Int

    init(_ words: [UInt64]) {
        wordCount = words.count
        bits = .allocate(capacity: max(words.count, 1))
        bits.initialize(from: words, count: words.count)
    }

    deinit { bits.deallocate() }
}

/// The skipped documents of recent filters, shared by every searcher of a reader (as Lucene's
/// query cache keeps filters' documents): a service's filters repeat, and making them costs
/// O(documents / 64 + matches). Least recently used first out, within a memory budget.
package final class FilterCache: Sendable {
    private struct Entry {
        var skipped: SkippedDocuments
        var lastUse: UInt64
    }

    private struct State {
        var entries: [MetadataFilter: Entry] = [:]
        var clock: UInt64 = 0
    }

    /// Bytes of bits kept at most (at least one filter is always kept).
    let budget: Int
    private let state = Mutex(State())

    package init(budget: Int = 64 << 20) {
        self.budget = budget
    }

    func skipped(for filter: MetadataFilter, make: () throws(IndexError) -> SkippedDocuments) throws(IndexError) -> SkippedDocuments {
        let found = state.withLock { state -> SkippedDocuments? in
            state.clock += 1
            guard var entry = state.entries[filter] else { return nil }
            entry.lastUse = state.clock
            state.entries[filter] = entry
            return entry.skipped
        }
        if let found { return found }
        let made = try make()
        return state.withLock { state in
            if let entry = state.entries[filter] { return entry.skipped }
            let capacity = max(1, budget / max(made.wordCount * 8, 1))
            while state.entries.count >= capacity, let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                state.entries[oldest.key] = nil
            }
            state.entries[filter] = Entry(skipped: made, lastUse: state.clock)
            return made
        }
    }
}

extension IndexReader {
    /// The documents a search with `filter` passes over: the deleted ones and those that do
    /// not pass it. Made in O(documents / 64 + the filter's matches) from each segment's mapped
    /// `MetadataIndex`, and kept in the reader's `FilterCache` for the searches that follow.
    package func skippedDocuments(_ filter: MetadataFilter) throws(IndexError) -> SkippedDocuments {
        return try filterCache.skipped(for: filter) { () throws(IndexError) in SkippedDocuments(try makeSkippedDocuments(filter)) }
    }

    private func makeSkippedDocuments(_ filter: MetadataFilter) throws(IndexError) -> [UInt64] {
        let wordCount = (maxDocument + 63) / 64
        var skipped = [UInt64](repeating: 0, count: wordCount)
        for (index, segment) in segments.enumerated() {
            let passing = try segment.storedFields.metadataIndex.passing(filter)
            let base = segmentBases[index]
            let shift = UInt64(base & 63)
            let first = base >> 6
            // Each local word lands across global words `first + w` and the next (shifted).
            let tail = segment.documentCount & 63
            for word in 0..<passing.count {
                var failing = ~passing[word]
                // Bits past the segment's last document are the next segment's business.
                if word == passing.count - 1, tail != 0 { failing &= (1 << UInt64(tail)) - 1 }
                skipped[first + word] |= failing << shift
                if shift != 0, first + word + 1 < wordCount { skipped[first + word + 1] |= failing >> (64 - shift) }
            }
        }
        if let deletedBits {
            for word in 0..<wordCount { skipped[word] |= deletedBits[word] }
        }
        return skipped
    }

    /// Every metadata key of the index with its live documents and distinct values.
    func metadataFieldStatistics() throws(IndexError) -> [MetadataFieldStatistics] {
        var names = Set<[UInt8]>()
        for segment in segments { names.formUnion(segment.storedFields.metadataIndex.keys) }
        var fields: [MetadataFieldStatistics] = []
        for name in names.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let key = String(decoding: name, as: UTF8.self)
            var values = Set<[UInt8]>()
            for segment in segments {
                let index = segment.storedFields.metadataIndex
                guard let column = index.column(key) else { continue }
                for value in 0..<column.valueCount { values.insert(Array(try index.value(column, value))) }
            }
            // Live documents with the key: those a "has the key" filter does not skip.
            let skipped = try makeSkippedDocuments(.prefix(field: key, prefix: ""))
            var count = 0
            for word in 0..<skipped.count {
                var passing = ~skipped[word]
                if word == skipped.count - 1, maxDocument % 64 != 0 { passing &= (1 << UInt64(maxDocument % 64)) - 1 }
                count += passing.nonzeroBitCount
            }
            fields.append(MetadataFieldStatistics(name: key, documentCount: count, distinctValues: values.count))
        }
        return fields
    }

    /// The metadata fields no document of the index has, among `fields`.
    package func absentMetadataFields(_ fields: [String]) -> [String] {
        var absent = fields
        for segment in segments where !absent.isEmpty {
            absent.removeAll { segment.storedFields.metadataIndex.column($0) != nil }
        }
        return absent
    }
}
