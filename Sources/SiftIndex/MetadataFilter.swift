import Synchronization
import SiftIngest

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

/// One segment's metadata arranged for filters: per field, its distinct values in byte order
/// with the documents holding each, and the values that are numbers in numeric order.
///
/// It is made from the stored records the first time a filter reaches the segment (O(documents
/// of the segment) once) and kept with the segment's reader, which reopened readers share;
/// segments never change, so neither does the table. It lives in memory only.
final class MetadataTable: Sendable {
    struct Column: Sendable {
        /// Distinct values, ascending by UTF-8 bytes.
        var values: [[UInt8]] = []
        /// Whether each value is a number (then also in `numbers`).
        var isNumber: [Bool] = []
        /// The documents of value `i` are `documents[starts[i]..<starts[i + 1]]`, ascending.
        var starts: [Int] = [0]
        var documents: [UInt32] = []
        /// (number, document) for the values that are numbers, ascending by number.
        var numbers: [(value: Double, document: UInt32)] = []
    }

    let columns: [String: Column]
    let documentCount: Int

    init(_ segment: SegmentReader) throws(IndexError) {
        documentCount = segment.documentCount
        var pairs: [String: [(value: [UInt8], document: UInt32)]] = [:]
        if segment.storedFields.hasMetadata {
            for local in 0..<segment.documentCount {
                for (key, value) in try segment.storedFields.metadata(local) {
                    // A list (a JSON array) is matched item by item.
                    if let items = MetadataList.items(of: value) {
                        for item in Set(items) { pairs[key, default: []].append((Array(item.utf8), UInt32(local))) }
                    } else {
                        pairs[key, default: []].append((Array(value.utf8), UInt32(local)))
                    }
                }
            }
        }
        var columns: [String: Column] = [:]
        for (key, var entries) in pairs {
            entries.sort { $0.value != $1.value ? $0.value.lexicographicallyPrecedes($1.value) : $0.document < $1.document }
            var column = Column()
            for entry in entries {
                if column.values.last != entry.value {
                    if !column.values.isEmpty { column.starts.append(column.documents.count) }
                    column.values.append(entry.value)
                    let number = Self.number(entry.value)
                    column.isNumber.append(number != nil)
                }
                column.documents.append(entry.document)
                if let number = Self.number(entry.value) { column.numbers.append((number, entry.document)) }
            }
            column.starts.append(column.documents.count)
            column.numbers.sort { $0.value != $1.value ? $0.value < $1.value : $0.document < $1.document }
            columns[key] = column
        }
        self.columns = columns
    }

    /// The value as a number when it is written as one: an optional sign, digits with an
    /// optional fraction, an optional exponent (no `nan`, `inf`, hexadecimal or spaces).
    static func number<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Double? {
        var index = bytes.startIndex
        func at(_ i: Bytes.Index) -> UInt8? { i < bytes.endIndex ? bytes[i] : nil }
        if let sign = at(index), sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { index = bytes.index(after: index) }
        var digits = 0
        while let c = at(index), c >= 48, c <= 57 { digits += 1; index = bytes.index(after: index) }
        if at(index) == UInt8(ascii: ".") {
            index = bytes.index(after: index)
            while let c = at(index), c >= 48, c <= 57 { digits += 1; index = bytes.index(after: index) }
        }
        guard digits > 0 else { return nil }
        if let e = at(index), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            index = bytes.index(after: index)
            if let sign = at(index), sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { index = bytes.index(after: index) }
            var exponentDigits = 0
            while let c = at(index), c >= 48, c <= 57 { exponentDigits += 1; index = bytes.index(after: index) }
            guard exponentDigits > 0 else { return nil }
        }
        guard index == bytes.endIndex else { return nil }
        return Double(String(decoding: bytes, as: UTF8.self)).flatMap { $0.isFinite ? $0 : nil }
    }

    /// The documents of the segment that pass `filter`, as bits (document d is bit d % 64 of
    /// word d / 64; bits past the last document are 0).
    func passing(_ filter: MetadataFilter) -> [UInt64] {
        let wordCount = (documentCount + 63) / 64
        switch filter {
        case .equals(let field, let value):
            var bits = [UInt64](repeating: 0, count: wordCount)
            guard let column = columns[field] else { return bits }
            let key = Array(value.utf8)
            let start = Self.firstIndex(column.values) { !$0.lexicographicallyPrecedes(key) }
            if start < column.values.count, column.values[start] == key { setBits(column, values: start..<(start + 1), in: &bits) }
            return bits
        case .prefix(let field, let prefix):
            var bits = [UInt64](repeating: 0, count: wordCount)
            guard let column = columns[field] else { return bits }
            let key = Array(prefix.utf8)
            let start = Self.firstIndex(column.values) { !$0.lexicographicallyPrecedes(key) }
            let end = Self.firstIndex(column.values) { key.lexicographicallyPrecedes(Self.truncated($0, to: key.count)) }
            if start < end { setBits(column, values: start..<end, in: &bits) }
            return bits
        case .range(let field, let from, let through):
            var bits = [UInt64](repeating: 0, count: wordCount)
            guard let column = columns[field] else { return bits }
            let low = from.map { Array($0.utf8) }
            let high = through.map { Array($0.utf8) }
            // Numbers compare as numbers when every given bound is one.
            let lowNumber = low.flatMap(Self.number)
            let highNumber = high.flatMap(Self.number)
            let numeric = (low == nil || lowNumber != nil) && (high == nil || highNumber != nil) && (low != nil || high != nil)
            let start = low.map { low in Self.firstIndex(column.values) { !$0.lexicographicallyPrecedes(low) } } ?? 0
            // Past the end: the first value whose first |high| bytes sort after `high`.
            let end = high.map { high in
                Self.firstIndex(column.values) { high.lexicographicallyPrecedes(Self.truncated($0, to: high.count)) }
            } ?? column.values.count
            if start < end {
                for value in start..<end where !(numeric && column.isNumber[value]) {
                    setBits(column, values: value..<(value + 1), in: &bits)
                }
            }
            if numeric {
                let first = lowNumber.map { bound in Self.firstIndex(column.numbers) { $0.value >= bound } } ?? 0
                let last = highNumber.map { bound in Self.firstIndex(column.numbers) { $0.value > bound } } ?? column.numbers.count
                if first < last {
                    for entry in column.numbers[first..<last] { bits[Int(entry.document >> 6)] |= 1 << UInt64(entry.document & 63) }
                }
            }
            return bits
        case .all(let filters):
            var bits = [UInt64](repeating: ~0, count: wordCount)
            Self.clearTail(&bits, documentCount: documentCount)
            for filter in filters {
                let other = passing(filter)
                for word in 0..<wordCount { bits[word] &= other[word] }
            }
            return bits
        case .any(let filters):
            var bits = [UInt64](repeating: 0, count: wordCount)
            for filter in filters {
                let other = passing(filter)
                for word in 0..<wordCount { bits[word] |= other[word] }
            }
            return bits
        case .not(let filter):
            var bits = passing(filter)
            for word in 0..<wordCount { bits[word] = ~bits[word] }
            Self.clearTail(&bits, documentCount: documentCount)
            return bits
        }
    }

    private func setBits(_ column: Column, values: Range<Int>, in bits: inout [UInt64]) {
        for document in column.documents[column.starts[values.lowerBound]..<column.starts[values.upperBound]] {
            bits[Int(document >> 6)] |= 1 << UInt64(document & 63)
        }
    }

    private static func clearTail(_ bits: inout [UInt64], documentCount: Int) {
        if documentCount % 64 != 0, !bits.isEmpty { bits[bits.count - 1] &= (1 << UInt64(documentCount % 64)) - 1 }
    }

    private static func truncated(_ value: [UInt8], to count: Int) -> ArraySlice<UInt8> {
        value[..<min(count, value.count)]
    }

    /// The first index of `elements` where `isPast` holds, for a predicate false then true.
    private static func firstIndex<Element>(_ elements: [Element], where isPast: (Element) -> Bool) -> Int {
        var low = 0
        var high = elements.count
        while low < high {
            let middle = (low + high) / 2
            if isPast(elements[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}

extension SegmentReader {
    /// The segment's metadata table, made on first use and shared from then on.
    func metadataTable() throws(IndexError) -> MetadataTable {
        try Self.madeOnce(metadataTableSlot) { () throws(IndexError) in try MetadataTable(self) }
    }
}

extension IndexReader {
    /// Documents a search must pass over: the deleted ones and, with a filter, those that do
    /// not pass it — one bit per document number, set to skip. Nil when there is nothing to
    /// skip. Made in O(documents / 64 + the filter's matches), after each segment's metadata
    /// table exists.
    package func skippedDocuments(_ filter: MetadataFilter?) throws(IndexError) -> [UInt64]? {
        guard let filter else {
            guard let deletedBits else { return nil }
            return Array(UnsafeBufferPointer(start: deletedBits, count: (maxDocument + 63) / 64))
        }
        let wordCount = (maxDocument + 63) / 64
        var skipped = [UInt64](repeating: 0, count: wordCount)
        for (index, segment) in segments.enumerated() {
            let passing = try segment.metadataTable().passing(filter)
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
    package func absentMetadataFields(_ fields: [String]) throws(IndexError) -> [String] {
        var absent = fields
        for segment in segments where !absent.isEmpty {
            let table = try segment.metadataTable()
            absent.removeAll { table.columns[$0] != nil }
        }
        return absent
    }
}
