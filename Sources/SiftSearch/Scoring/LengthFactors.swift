@_spi(SiftInternal) import SiftIndex

/// Each document's BM25 length factor `k1 · (1 − b + b · len/avgLen)` of one field, as
/// `Float`, by global document number: what every scorer divides by.
///
/// Stored compactly and exactly: when every length of the field is below 256 (or 65,536),
/// a byte (or two) per document holds the length itself and a table holds the factor of each
/// length — the same `Float` the formula gives, so scores do not change — and only past that
/// a `Float` per document. Scorers look factors up in document order of several lists at
/// once; at a million documents a 1 MB table of lengths stays in cache where 4 MB of factors
/// did not (the lookups were most of MaxScore's time).
///
/// Made once per open index, field and choice of k1 and b, and shared through the reader's
/// cache by every `Searcher` of that reader, so a new searcher (or a one-shot `sift search`)
/// pays nothing for fields and parameters it never queries.
final class FieldLengthFactors: @unchecked Sendable {
    /// Bytes per document: 1 or 2 (a length, looked up in `table`) or 4 (the factor itself).
    let width: Int
    /// One entry per document (immutable once made).
    let codes: UnsafeMutableRawPointer
    /// The factor of each length, for widths 1 and 2.
    let table: UnsafeMutablePointer<Float>

    init(reader: IndexReader, field: IndexField, normalization: LengthNormalization) {
        var longest: UInt32 = 0
        for segment in reader.segments {
            let lengths = segment.lengths(field)
            for local in 0..<segment.documentCount {
                longest = max(longest, UInt32(littleEndian: lengths.loadUnaligned(fromByteOffset: local * 4, as: UInt32.self)))
            }
        }
        width = longest < 256 ? 1 : longest < 65_536 ? 2 : 4
        let tableCount = width == 4 ? 1 : Int(longest) + 1
        table = .allocate(capacity: tableCount)
        for length in 0..<tableCount { (table + length).initialize(to: Float(normalization.factor(length: length))) }
        codes = .allocate(byteCount: max(reader.maxDocument, 1) * width, alignment: 4)
        for (index, segment) in reader.segments.enumerated() {
            let lengths = segment.lengths(field)
            let base = reader.segmentBases[index]
            for local in 0..<segment.documentCount {
                let length = UInt32(littleEndian: lengths.loadUnaligned(fromByteOffset: local * 4, as: UInt32.self))
                let document = base + local
                switch width {
                case 1: codes.storeBytes(of: UInt8(truncatingIfNeeded: length), toByteOffset: document, as: UInt8.self)
                case 2: codes.storeBytes(of: UInt16(truncatingIfNeeded: length), toByteOffset: document * 2, as: UInt16.self)
                default: codes.storeBytes(of: Float(normalization.factor(length: Int(length))), toByteOffset: document * 4, as: Float.self)
                }
            }
        }
    }

    deinit {
        codes.deallocate()
        table.deallocate()
    }

    /// What the reader's cache keys a table by.
    struct Key: Hashable, Sendable {
        var field: IndexField
        var parameters: BM25Parameters
        /// The field's mean length: the index's own, or a collection's (several indexes as one).
        var averageLength: Double
    }
}

/// The length factors of one field from one segment's first document on, indexed by the
/// segment's document number: a load or two, no call, no reference count.
struct LengthFactorTable {
    let width: Int
    let codes: UnsafeRawPointer
    let table: UnsafePointer<Float>

    @inline(__always)
    subscript(document: Int) -> Float {
        switch width {
        case 1: table[Int(codes.load(fromByteOffset: document, as: UInt8.self))]
        case 2: table[Int(codes.load(fromByteOffset: document &* 2, as: UInt16.self))]
        default: codes.load(fromByteOffset: document &* 4, as: Float.self)
        }
    }
}

/// The length factors of every field for one search's BM25 parameters: each field's table is
/// fetched from the reader's cache (and made there, once) when a scorer first asks for it.
final class LengthFactors {
    let parameters: BM25Parameters
    private let reader: IndexReader
    let averageLength: [IndexField: Double]
    private var text: FieldLengthFactors?
    private var title: FieldLengthFactors?

    init(reader: IndexReader, parameters: BM25Parameters, averageLength: [IndexField: Double]) {
        self.reader = reader
        self.parameters = parameters
        self.averageLength = averageLength
    }

    /// The factors of `field` from global document `base` on (a segment's first document).
    func factors(_ field: IndexField, from base: Int = 0) -> LengthFactorTable {
        let shared: FieldLengthFactors
        switch field {
        case .text:
            if text == nil { text = fetch(field) }
            shared = text!
        case .title:
            if title == nil { title = fetch(field) }
            shared = title!
        }
        return LengthFactorTable(width: shared.width, codes: UnsafeRawPointer(shared.codes + base * shared.width),
                                 table: UnsafePointer(shared.table))
    }

    private func fetch(_ field: IndexField) -> FieldLengthFactors {
        let normalization = LengthNormalization(parameters, averageLength: averageLength[field] ?? 0)
        return reader.cache.value(for: FieldLengthFactors.Key(field: field, parameters: parameters,
                                                               averageLength: averageLength[field] ?? 0)) {
            FieldLengthFactors(reader: reader, field: field, normalization: normalization)
        }
    }
}
