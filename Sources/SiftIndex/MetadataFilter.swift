
/// A condition on documents' metadata that restricts which documents a search may return,
/// without taking part in their scores (Lucene's filter clauses, tantivy's filters): a
/// filtered search ranks the documents that pass exactly as an unfiltered one would, and its
/// top k are the unfiltered ranking with the other documents left out.
///
/// Values are compared as stored: case-sensitive and exact. A value that is a JSON array
/// (`["energy","markets"]`, see `MetadataList`) is a list: a filter holds when it holds for
/// one of its items. Ranges compare numbers as
/// numbers when the bounds and the value are all numbers (`price:9..20` holds `10`), and
/// otherwise as text, with a bound matching every value it begins — so ISO dates work at any
/// precision: `date:2005-01..2005-06` holds `2005-01-01` through `2005-06-30T23:59`.
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

extension IndexReader {
    /// Documents a search must pass over: the deleted ones and, with a filter, those that do
    /// not pass it — one bit per document number, set to skip. Nil when there is nothing to
    /// skip. Made in O(documents / 64 + the filter's matches) from each segment's mapped
    /// `MetadataIndex`.
    package func skippedDocuments(_ filter: MetadataFilter?) throws(IndexError) -> [UInt64]? {
        guard let filter else {
            guard let deletedBits else { return nil }
            return Array(UnsafeBufferPointer(start: deletedBits, count: (maxDocument + 63) / 64))
        }
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

    /// The metadata fields no document of the index has, among `fields`.
    package func absentMetadataFields(_ fields: [String]) -> [String] {
        var absent = fields
        for segment in segments where !absent.isEmpty {
            absent.removeAll { segment.storedFields.metadataIndex.column($0) != nil }
        }
        return absent
    }
}
