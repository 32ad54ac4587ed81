@_spi(SiftInternal) import SiftStorage
import SiftIngest

/// A segment's metadata arranged for filters, at the end of its documents file
/// (docs/FORMAT.md, "Metadata index"): per key, its distinct values in byte order with the
/// documents holding each, and the distinct values that are numbers in numeric order. Filters read it
/// where it is mapped, by binary search: a filter costs its matches, never a pass over the
/// segment's records, and opening costs O(keys).
///
/// A list value (`MetadataList`, a JSON array) is indexed item by item, so a filter matches
/// each item.
struct MetadataIndex: @unchecked Sendable {
    static let keyEntrySize = 32
    static let numberEntrySize = 16

    /// One key's part: where its arrays are.
    struct Column {
        let valueCount: Int
        let postingCount: Int
        let numberCount: Int
        /// Offsets (in the section) of `valueCount + 1` u32 value starts, `valueCount + 1` u32
        /// posting starts, the value bytes, the u32 documents and the number entries.
        let valueStarts: Int
        let postingStarts: Int
        let valueBytes: Int
        let documents: Int
        let numbers: Int
    }

    let bytes: UnsafeRawBufferPointer
    let path: String
    let documentCount: Int
    /// Keys in ascending byte order, and their columns.
    let keys: [[UInt8]]
    let columns: [Column]

    /// An empty index: a segment without metadata.
    init(empty path: String, documentCount: Int) {
        bytes = UnsafeRawBufferPointer(start: nil, count: 0)
        self.path = path
        self.documentCount = documentCount
        keys = []
        columns = []
    }

    /// The section in `bytes`, its layout checked (every array inside it); the contents of
    /// the arrays are checked as they are read and by `IndexReader.check()`.
    init(bytes: UnsafeRawBufferPointer, path: String, documentCount: Int) throws(IndexError) {
        self.bytes = bytes
        self.path = path
        self.documentCount = documentCount
        func corrupt(_ reason: String) -> IndexError { .corrupt(file: path, reason: "metadata index: \(reason)") }
        guard bytes.count >= 8 else { throw corrupt("too short") }
        let keyCount = Int(bytes.u32(at: 0))
        guard keyCount <= (bytes.count - 8) / Self.keyEntrySize else { throw corrupt("\(keyCount) keys do not fit") }
        var keys: [[UInt8]] = []
        var columns: [Column] = []
        for key in 0..<keyCount {
            let entry = 8 + key * Self.keyEntrySize
            let nameOffset = Int(clamping: bytes.u64(at: entry))
            let nameLength = Int(bytes.u32(at: entry + 8))
            let valueCount = Int(bytes.u32(at: entry + 12))
            let columnOffset = Int(clamping: bytes.u64(at: entry + 16))
            let numberCount = Int(bytes.u32(at: entry + 24))
            let postingCount = Int(bytes.u32(at: entry + 28))
            guard nameLength >= 1, nameOffset <= bytes.count, nameLength <= bytes.count - nameOffset else { throw corrupt("key \(key)'s name lies outside") }
            let name = Array(UnsafeRawBufferPointer(rebasing: bytes[nameOffset..<(nameOffset + nameLength)]))
            if let previous = keys.last, !previous.lexicographicallyPrecedes(name) { throw corrupt("keys out of order") }
            // The fixed-size arrays, then the value bytes (their length is the last value start).
            guard columnOffset <= bytes.count, valueCount <= bytes.count, postingCount <= bytes.count / 4, numberCount <= valueCount,
                  numberCount <= bytes.count / Self.numberEntrySize
            else { throw corrupt("key \(key)'s counts do not fit") }
            let postingStarts = columnOffset + (valueCount + 1) * 4
            let valueBytes = postingStarts + (valueCount + 1) * 4
            guard valueBytes <= bytes.count else { throw corrupt("key \(key)'s column lies outside") }
            let valueLength = Int(bytes.u32(at: postingStarts - 4))
            let documents = (valueBytes + valueLength + 3) / 4 * 4
            let numbers = (documents + postingCount * 4 + 7) / 8 * 8
            guard valueLength <= bytes.count, numbers <= bytes.count, numberCount * Self.numberEntrySize <= bytes.count - numbers else {
                throw corrupt("key \(key)'s column lies outside")
            }
            guard bytes.u32(at: valueBytes - 4) == UInt32(postingCount) else { throw corrupt("key \(key)'s documents do not add up") }
            keys.append(name)
            columns.append(Column(valueCount: valueCount, postingCount: postingCount, numberCount: numberCount, valueStarts: columnOffset,
                                  postingStarts: postingStarts, valueBytes: valueBytes, documents: documents, numbers: numbers))
        }
        self.keys = keys
        self.columns = columns
    }

    func column(_ key: String) -> Column? {
        let name = Array(key.utf8)
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle].lexicographicallyPrecedes(name) { low = middle + 1 } else { high = middle }
        }
        return low < keys.count && keys[low] == name ? columns[low] : nil
    }

    /// Value `index` of `column`.
    func value(_ column: Column, _ index: Int) throws(IndexError) -> UnsafeRawBufferPointer {
        let start = Int(bytes.u32(at: column.valueStarts + index * 4))
        let end = Int(bytes.u32(at: column.valueStarts + index * 4 + 4))
        guard start <= end, column.valueBytes + end <= column.documents else {
            throw .corrupt(file: path, reason: "metadata index: value \(index) lies outside")
        }
        return UnsafeRawBufferPointer(rebasing: bytes[(column.valueBytes + start)..<(column.valueBytes + end)])
    }

    /// Sets the bits of the documents holding values `values` of `column`; with `skipNumbers`,
    /// only of the values that are not numbers.
    func setDocuments(_ column: Column, values: Range<Int>, skipNumbers: Bool = false, in bits: inout [UInt64]) throws(IndexError) {
        for value in values {
            if skipNumbers, Self.number(try self.value(column, value)) != nil { continue }
            let start = Int(bytes.u32(at: column.postingStarts + value * 4))
            let end = Int(bytes.u32(at: column.postingStarts + value * 4 + 4))
            guard start <= end, end <= column.postingCount else { throw .corrupt(file: path, reason: "metadata index: documents of value \(value) lie outside") }
            for posting in start..<end { try set(Int(bytes.u32(at: column.documents + posting * 4)), in: &bits) }
        }
    }

    private func set(_ document: Int, in bits: inout [UInt64]) throws(IndexError) {
        guard document < documentCount else { throw .corrupt(file: path, reason: "metadata index: document \(document) of \(documentCount)") }
        bits[document >> 6] |= 1 << UInt64(document & 63)
    }

    /// The first value index of `column` where `isPast` (false, then true) holds.
    func firstValue(_ column: Column, where isPast: (UnsafeRawBufferPointer) -> Bool) throws(IndexError) -> Int {
        var low = 0
        var high = column.valueCount
        while low < high {
            let middle = (low + high) / 2
            if isPast(try value(column, middle)) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// Number `index` of `column` (in numeric order) and the index of the value it is.
    func numberEntry(_ column: Column, _ index: Int) -> (number: Double, value: Int) {
        let at = column.numbers + index * Self.numberEntrySize
        return (Double(bitPattern: bytes.u64(at: at)), Int(bytes.u32(at: at + 8)))
    }

    /// The documents of the segment that pass `filter`, as bits (document d is bit d % 64 of
    /// word d / 64; bits past the last document are 0).
    func passing(_ filter: MetadataFilter) throws(IndexError) -> [UInt64] {
        let wordCount = (documentCount + 63) / 64
        var bits = [UInt64](repeating: 0, count: wordCount)
        switch filter {
        case .equals(let field, let value):
            guard let column = column(field) else { return bits }
            let key = Array(value.utf8)
            let start = try firstValue(column) { !$0.lexicographicallyPrecedes(key) }
            if start < column.valueCount, try self.value(column, start).elementsEqual(key) {
                try setDocuments(column, values: start..<(start + 1), in: &bits)
            }
        case .prefix(let field, let prefix):
            guard let column = column(field) else { return bits }
            let key = Array(prefix.utf8)
            let start = try firstValue(column) { !$0.lexicographicallyPrecedes(key) }
            let end = try firstValue(column) { key.lexicographicallyPrecedes($0.prefix(key.count)) }
            if start < end { try setDocuments(column, values: start..<end, in: &bits) }
        case .range(let field, let from, let through):
            guard let column = column(field) else { return bits }
            let low = from.map { Array($0.utf8) }
            let high = through.map { Array($0.utf8) }
            // Numbers compare as numbers when every given bound is one.
            let lowNumber = low.flatMap(Self.number)
            let highNumber = high.flatMap(Self.number)
            let numeric = (low == nil || lowNumber != nil) && (high == nil || highNumber != nil) && (low != nil || high != nil)
            let start = try low.map { low throws(IndexError) in try firstValue(column) { !$0.lexicographicallyPrecedes(low) } } ?? 0
            // Past the end: the first value whose first |high| bytes sort after `high`.
            let end = try high.map { high throws(IndexError) in
                try firstValue(column) { high.lexicographicallyPrecedes($0.prefix(high.count)) }
            } ?? column.valueCount
            if start < end { try setDocuments(column, values: start..<end, skipNumbers: numeric, in: &bits) }
            if numeric {
                var first = 0
                var last = column.numberCount
                if let bound = lowNumber { first = firstNumber(column) { $0 >= bound } }
                if let bound = highNumber { last = firstNumber(column) { $0 > bound } }
                for entry in first..<max(first, last) {
                    let value = numberEntry(column, entry).value
                    guard value < column.valueCount else { throw .corrupt(file: path, reason: "metadata index: number \(entry) names value \(value)") }
                    try setDocuments(column, values: value..<(value + 1), in: &bits)
                }
            }
        case .all(let filters):
            for word in 0..<wordCount { bits[word] = ~0 }
            Self.clearTail(&bits, documentCount: documentCount)
            for filter in filters {
                let other = try passing(filter)
                for word in 0..<wordCount { bits[word] &= other[word] }
            }
        case .any(let filters):
            for filter in filters {
                let other = try passing(filter)
                for word in 0..<wordCount { bits[word] |= other[word] }
            }
        case .not(let filter):
            bits = try passing(filter)
            for word in 0..<wordCount { bits[word] = ~bits[word] }
            Self.clearTail(&bits, documentCount: documentCount)
        }
        return bits
    }

    private func firstNumber(_ column: Column, where isPast: (Double) -> Bool) -> Int {
        var low = 0
        var high = column.numberCount
        while low < high {
            let middle = (low + high) / 2
            if isPast(numberEntry(column, middle).number) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    private static func clearTail(_ bits: inout [UInt64], documentCount: Int) {
        if documentCount % 64 != 0, !bits.isEmpty { bits[bits.count - 1] &= (1 << UInt64(documentCount % 64)) - 1 }
    }

    /// The value as a number when it is written as one: an optional sign, digits with an
    /// optional fraction, an optional exponent (no `nan`, `inf`, hexadecimal or spaces).
    static func number<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Double? {
        var index = bytes.startIndex
        func at(_ i: Bytes.Index) -> UInt8? { i < bytes.endIndex ? bytes[i] : nil }
        func isDigit(_ byte: UInt8?) -> Bool { byte.map { $0 >= 48 && $0 <= 57 } ?? false }
        if let sign = at(index), sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { index = bytes.index(after: index) }
        var digits = 0
        while isDigit(at(index)) { digits += 1; index = bytes.index(after: index) }
        if at(index) == UInt8(ascii: ".") {
            index = bytes.index(after: index)
            while isDigit(at(index)) { digits += 1; index = bytes.index(after: index) }
        }
        guard digits > 0 else { return nil }
        if let e = at(index), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            index = bytes.index(after: index)
            if let sign = at(index), sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { index = bytes.index(after: index) }
            var exponentDigits = 0
            while isDigit(at(index)) { exponentDigits += 1; index = bytes.index(after: index) }
            guard exponentDigits > 0 else { return nil }
        }
        guard index == bytes.endIndex else { return nil }
        return Double(String(decoding: bytes, as: UTF8.self)).flatMap { $0.isFinite ? $0 : nil }
    }
}

/// Gathers a segment's metadata as its records are written, then lays out its
/// `MetadataIndex`. Values are interned per key, so memory grows with the distinct values and
/// one (value, document) pair per entry, not with their text.
struct MetadataIndexBuilder {
    private struct Key {
        var ids: [String: UInt32] = [:]
        var values: [String] = []
        /// (value id, document), in document order.
        var pairs: [(value: UInt32, document: UInt32)] = []

        mutating func add(document: UInt32, value: String) {
            let id: UInt32
            if let known = ids[value] {
                id = known
            } else {
                id = UInt32(values.count)
                ids[value] = id
                values.append(value)
            }
            pairs.append((id, document))
        }
    }

    private var keys: [String: Key] = [:]

    /// Adds document `document`'s metadata (as `MetadataCoding` encodes it); documents come in
    /// ascending order.
    mutating func add(document: UInt32, metadata: [String: String]) {
        for (key, value) in metadata {
            if let items = MetadataList.items(of: value) {
                var seen = Set<String>()
                for item in items where seen.insert(item).inserted { add(document: document, key: key, value: item) }
            } else {
                add(document: document, key: key, value: value)
            }
        }
    }

    private mutating func add(document: UInt32, key: String, value: String) {
        keys[key, default: Key()].add(document: document, value: value)
    }

    /// The section's bytes (docs/FORMAT.md).
    func encode() -> [UInt8] {
        let names = keys.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var head = ByteWriter()
        head.write(UInt32(names.count))
        head.write(UInt32(0))
        var body = ByteWriter()
        let bodyStart = 8 + names.count * MetadataIndex.keyEntrySize
        var nameBytes = ByteWriter()
        var entries: [(columnOffset: Int, valueCount: Int, numberCount: Int, postingCount: Int)] = []
        for name in names {
            let key = keys[name]!
            // Values by bytes; each id's rank in that order.
            let order = key.values.indices.sorted { key.values[$0].utf8.lexicographicallyPrecedes(key.values[$1].utf8) }
            var rank = [Int](repeating: 0, count: order.count)
            for (position, id) in order.enumerated() { rank[id] = position }
            var starts = [Int](repeating: 0, count: order.count + 1)
            for pair in key.pairs { starts[rank[Int(pair.value)] + 1] += 1 }
            for index in 1..<starts.count { starts[index] += starts[index - 1] }
            // A counting sort by rank keeps each value's documents ascending.
            var documents = [UInt32](repeating: 0, count: key.pairs.count)
            var next = starts
            for pair in key.pairs {
                let slot = rank[Int(pair.value)]
                documents[next[slot]] = pair.document
                next[slot] += 1
            }
            // The values that are numbers, in numeric order (`1e3` and `1000` side by side).
            var numbered: [(number: Double, value: UInt32)] = []
            for (position, id) in order.enumerated() {
                if let number = MetadataIndex.number(key.values[id].utf8) { numbered.append((number, UInt32(position))) }
            }
            numbered.sort { $0.number != $1.number ? $0.number < $1.number : $0.value < $1.value }

            body.pad(to: 8)
            let columnOffset = bodyStart + body.count
            var valueStart: UInt32 = 0
            for id in order {
                body.write(valueStart)
                valueStart += UInt32(key.values[id].utf8.count)
            }
            body.write(valueStart)
            for start in starts { body.write(UInt32(start)) }
            for id in order { body.write(bytes: key.values[id].utf8) }
            body.pad(to: 4)
            for document in documents { body.write(document) }
            body.pad(to: 8)
            for entry in numbered {
                body.write(entry.number.bitPattern)
                body.write(entry.value)
                body.write(UInt32(0))
            }
            entries.append((columnOffset, order.count, numbered.count, documents.count))
        }
        body.pad(to: 8)
        let namesStart = bodyStart + body.count
        for (index, name) in names.enumerated() {
            let entry = entries[index]
            head.write(UInt64(namesStart + nameBytes.count))
            head.write(UInt32(name.utf8.count))
            head.write(UInt32(entry.valueCount))
            head.write(UInt64(entry.columnOffset))
            head.write(UInt32(entry.numberCount))
            head.write(UInt32(entry.postingCount))
            nameBytes.write(bytes: name.utf8)
        }
        return head.bytes + body.bytes + nameBytes.bytes
    }
}

extension UnsafeRawBufferPointer {
    @inline(__always) fileprivate func u32(at offset: Int) -> UInt32 {
        UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always) fileprivate func u64(at offset: Int) -> UInt64 {
        UInt64(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
