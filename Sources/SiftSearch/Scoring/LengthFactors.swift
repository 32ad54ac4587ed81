@_spi(SiftInternal) import SiftIndex

/// Each document's BM25 length factor `k1 · (1 − b + b · len/avgLen)` of one field, as
/// `Float`, indexed by global document number: what every scorer divides by.
///
/// Made once per open index, field and choice of k1 and b, and shared through the reader's
/// cache by every `Searcher` of that reader, so scoring a posting is a load instead of a length
/// read and a multiply-add, and a new searcher (or a one-shot `sift search`) pays nothing for
/// fields and parameters it never queries.
final class FieldLengthFactors: @unchecked Sendable {
    /// Immutable once made.
    let table: UnsafeMutableBufferPointer<Float>

    init(reader: IndexReader, field: IndexField, normalization: LengthNormalization) {
        table = .allocate(capacity: max(reader.maxDocument, 1))
        if reader.maxDocument == 0 { table.initialize(repeating: 0) }
        for (index, segment) in reader.segments.enumerated() {
            let lengths = segment.lengths(field)
            let output = table.baseAddress! + reader.segmentBases[index]
            for local in 0..<segment.documentCount {
                let length = UInt32(littleEndian: lengths.loadUnaligned(fromByteOffset: local * 4, as: UInt32.self))
                (output + local).initialize(to: Float(normalization.factor(length: Int(length))))
            }
        }
    }

    deinit { table.deallocate() }

    /// What the reader's cache keys a table by.
    struct Key: Hashable, Sendable {
        var field: IndexField
        var parameters: BM25Parameters
    }
}

/// The length factors of every field for one search's BM25 parameters: each field's table is
/// fetched from the reader's cache (and made there, once) when a scorer first asks for it.
final class LengthFactors {
    let parameters: BM25Parameters
    private let reader: IndexReader
    private let averageLength: [IndexField: Double]
    private var text: FieldLengthFactors?
    private var title: FieldLengthFactors?

    init(reader: IndexReader, parameters: BM25Parameters, averageLength: [IndexField: Double]) {
        self.reader = reader
        self.parameters = parameters
        self.averageLength = averageLength
    }

    /// The factors of `field` from global document `base` on (a segment's first document).
    func factors(_ field: IndexField, from base: Int = 0) -> UnsafePointer<Float> {
        let table: FieldLengthFactors
        switch field {
        case .text:
            if text == nil { text = shared(field) }
            table = text!
        case .title:
            if title == nil { title = shared(field) }
            table = title!
        }
        return UnsafePointer(table.table.baseAddress! + base)
    }

    private func shared(_ field: IndexField) -> FieldLengthFactors {
        let normalization = LengthNormalization(parameters, averageLength: averageLength[field] ?? 0)
        return reader.cache.value(for: FieldLengthFactors.Key(field: field, parameters: parameters)) {
            FieldLengthFactors(reader: reader, field: field, normalization: normalization)
        }
    }
}
