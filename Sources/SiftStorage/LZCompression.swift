/// A small LZ77 compressor in the LZ4 sequence format, for stored document text.
///
/// Sequences are a token (literal length in the high four bits, match length − 4 in the low
/// four, 15 meaning "more length bytes follow", each adding up to 255), the literals, then a
/// two-byte little-endian offset back into the output and any extra match-length bytes. The
/// last sequence has literals only. Matching is greedy through a hash of four-byte prefixes:
/// fast, and about halves English text. Decompression checks every length and offset, so a
/// damaged block gives an error, never a trap.
package enum LZCompression {
    private static let hashBits = 14
    private static let minimumMatch = 4
    private static let maximumOffset = 65_535

    /// Appends the compressed form of `input` to `output`.
    package static func compress(_ input: UnsafeRawBufferPointer, into output: inout ByteWriter) {
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
                    // Extend the match eight bytes at a time: the first differing byte is the
                    // lowest set bit of the XOR (little-endian loads).
                    var length = minimumMatch
                    while position + length + 8 <= count {
                        let difference = base.loadUnaligned(fromByteOffset: candidate + length, as: UInt64.self)
                            ^ base.loadUnaligned(fromByteOffset: position + length, as: UInt64.self)
                        if difference != 0 {
                            length += UInt64(littleEndian: difference).trailingZeroBitCount >> 3
                            break
                        }
                        length += 8
                    }
                    if position + length + 8 > count {
                        while position + length < count
                            && base.load(fromByteOffset: candidate + length, as: UInt8.self) == base.load(fromByteOffset: position + length, as: UInt8.self)
                        {
                            length += 1
                        }
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
    /// - Parameter prefix: stop once this many bytes are out (a reader that needs one
    ///   document near the start of a block need not expand the rest); the result may be
    ///   longer than `prefix`, up to `size`, and is checked against `size` only when whole.
    package static func decompress(_ input: UnsafeRawBufferPointer, size: Int, prefix: Int = .max) throws(ByteReaderError) -> [UInt8] {
        var failure: ByteReaderError? = nil
        // Written in place through a pointer: literals and non-overlapping matches are block
        // copies, so a block costs little more than its size in memory traffic.
        let output = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            let base = buffer.baseAddress
            var count = 0
            var reader = ByteReader(input)
            do throws(ByteReaderError) {
                while !reader.isAtEnd {
                    let token = try reader.readUInt8()
                    var literalCount = Int(token >> 4)
                    if literalCount == 15 { literalCount += try readLength(&reader, limit: size) }
                    guard literalCount <= size - count else { throw .malformed("literals run past the block", at: reader.offset) }
                    let literals = try reader.readBytes(literalCount)
                    if literalCount > 0 { (base! + count).update(from: literals.bindMemory(to: UInt8.self).baseAddress!, count: literalCount) }
                    count += literalCount
                    if reader.isAtEnd { break }
                    let offset = Int(try reader.readUInt16())
                    var matchLength = Int(token & 0x0F)
                    if matchLength == 15 { matchLength += try readLength(&reader, limit: size) }
                    matchLength += minimumMatch
                    guard offset > 0, offset <= count else { throw .malformed("match offset \(offset) before the block", at: reader.offset) }
                    guard matchLength <= size - count else { throw .malformed("match runs past the block", at: reader.offset) }
                    let source = base! + (count - offset)
                    let target = base! + count
                    if offset >= matchLength {
                        target.update(from: source, count: matchLength)
                    } else {
                        // An overlapping match repeats the last `offset` bytes: copy forward.
                        for index in 0..<matchLength { target[index] = source[index] }
                    }
                    count += matchLength
                    if count >= prefix { break }
                }
                guard count == size || (count >= prefix && !reader.isAtEnd) else { throw .malformed("block expands to \(count) bytes, not \(size)", at: reader.offset) }
            } catch {
                failure = error
            }
            initialized = count
        }
        if let failure { throw failure }
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
