@_spi(SiftInternal) import SiftIndex

/// Each document's BM25 length factor `k1 · (1 − b + b · len/avgLen)`, per field, as `Float`,
/// indexed by global document number: what every scorer divides by.
///
/// Computed once for a reader and a choice of k1 and b, so scoring a posting is a load instead
/// of a length read and a multiply-add.
final class LengthFactors {
    let parameters: BM25Parameters
    private var tables: [IndexField: UnsafeMutableBufferPointer<Float>] = [:]

    init(reader: IndexReader, parameters: BM25Parameters, averageLength: [IndexField: Double]) {
        self.parameters = parameters
        for field in IndexField.allCases {
            let factors = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(reader.maxDocument, 1))
            let normalization = LengthNormalization(parameters, averageLength: averageLength[field] ?? 0)
            for (index, segment) in reader.segments.enumerated() {
                let base = reader.segmentBases[index]
                for local in 0..<segment.documentCount {
                    factors[base + local] = Float(normalization.factor(length: Int(segment.length(of: local, field: field))))
                }
            }
            tables[field] = factors
        }
    }

    deinit {
        for (_, table) in tables { table.deallocate() }
    }

    /// The factors of `field` from global document `base` on (a segment's first document).
    func factors(_ field: IndexField, from base: Int = 0) -> UnsafePointer<Float> {
        UnsafePointer(tables[field]!.baseAddress! + base)
    }
}
