/// A small LZ77 compressor in the LZ4 sequence format, for stored document text.
///
/// Sequences are a token (literal length in the high four bits, match length − 4 in the low
/// four, 15 meaning "more length bytes follow", each adding up to 255), the literals, then a
/// two-byte little-endian offset back into the output and any extra match-length bytes. The
/// last sequence has literals only. Matching is greedy through a hash of four-byte prefixes:
/// fast, and about halves English text. Decompression checks every length and offset, so a
/// damaged block gives an error, never a trap.
enum LZCompression {
    private static let hashBits = 14
    private static let minimumMatch = 4
    private static let maximumOffset = 65_535

    /// Appends the compressed form of `input` to `output`.
    static func compress(_ input: UnsafeRawBufferPointer, into output: inout ByteWriter) {
        let count = input.count
        guard count > 0, let base = input.baseAddress else { return }
        var table = [Int32](repeating: -1, count: 1 << hashBits)
        var anchor = 0
        var position = 0
        table.withUnsafeMutableBufferPointer { table in
            while position + minimumMatch <= count {
                let sequence = base.loadUnaligned(fromByteOffset: position, as: UInt32.self)
                let hash = Int((sequence &* 2_654_435_761) >> UInt32(32 - hashBits))
                let candidate = Int(table[hash])
                table[hash] = Int32(position)
                if candidate >= 0 && position - candidate <= maximumOffset
                    && base.loadUnaligned(fromByteOffset: candidate, as: UInt32.self) == sequence
                {
                    var length = minimumMatch
                    while position + length < count
                        && base.load(fromByteOffset: candidate + length, as: UInt8.self) == base.load(fromByteOffset: position + length, as: UInt8.self)
                    {
                        length += 1
                    }
                    emit(base, literals: anchor..<position, offset: position - candidate, match: length, into: &output)
                    position += length
                    anchor = position
                } else {
                    // Skip faster through text that does not compress.
                    position += 1 + ((position - anchor) >> 6)
                }
            }
        }
        emit(base, literals: anchor..<count, offset: 0, match: 0, into: &output)
    }

    private static func emit(_ base: UnsafeRawPointer, literals: Range<Int>, offset: Int, match: Int, into output: inout ByteWriter) {
        let literalCount = literals.count
        let matchExtra = match == 0 ? 0 : match - minimumMatch
        output.write(UInt8(min(literalCount, 15) << 4 | min(matchExtra, 15)))
        if literalCount >= 15 { writeLength(literalCount - 15, into: &output) }
        output.write(bytes: UnsafeRawBufferPointer(start: base + literals.lowerBound, count: literalCount))
        guard match > 0 else { return }
        output.write(UInt16(offset))
        if matchExtra >= 15 { writeLength(matchExtra - 15, into: &output) }
    }

    private static func writeLength(_ value: Int, into output: inout ByteWriter) {
        var rest = value
        while rest >= 255 {
            output.write(UInt8(255))
            rest -= 255
        }
        output.write(UInt8(rest))
    }

    /// Decompresses a block that must expand to exactly `size` bytes.
    static func decompress(_ input: UnsafeRawBufferPointer, size: Int) throws(ByteReaderError) -> [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity(size)
        var reader = ByteReader(input)
        while !reader.isAtEnd {
            let token = try reader.readUInt8()
            var literalCount = Int(token >> 4)
            if literalCount == 15 { literalCount += try readLength(&reader, limit: size) }
            guard literalCount <= size - output.count else { throw .malformed("literals run past the block", at: reader.offset) }
            output.append(contentsOf: try reader.readBytes(literalCount))
            if reader.isAtEnd { break }
            let offset = Int(try reader.readUInt16())
            var matchLength = Int(token & 0x0F)
            if matchLength == 15 { matchLength += try readLength(&reader, limit: size) }
            matchLength += minimumMatch
            guard offset > 0, offset <= output.count else { throw .malformed("match offset \(offset) before the block", at: reader.offset) }
            guard matchLength <= size - output.count else { throw .malformed("match runs past the block", at: reader.offset) }
            let start = output.count - offset
            for index in 0..<matchLength { output.append(output[start + index]) }
        }
        guard output.count == size else { throw .malformed("block expands to \(output.count) bytes, not \(size)", at: reader.offset) }
        return output
    }

    private static func readLength(_ reader: inout ByteReader, limit: Int) throws(ByteReaderError) -> Int {
        var total = 0
        while true {
            let byte = try reader.readUInt8()
            total += Int(byte)
            if total > limit { throw .malformed("length past the block", at: reader.offset) }
            if byte < 255 { return total }
        }
    }
}
