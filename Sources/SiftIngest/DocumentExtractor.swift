/// Reads one candidate file and cuts it into documents.
///
/// Bad content never throws: a file that is too large, binary or unreadable, and a JSON Lines
/// line that is not a record, come back as `SkippedInput` values beside the documents that
/// could be made, so one bad file cannot stop the indexing of a whole corpus. Invalid UTF-8 is
/// not bad content; it is kept byte for byte and the tokenizer treats it as separators.
///
/// The extractor is a plain value with no shared state, so candidates may be read in parallel.
public struct DocumentExtractor: Sendable {
    /// How many leading bytes are searched for a NUL to tell binary files from text.
    public static let binaryProbeLength = 8192

    /// The unit and the size limit (the walk's patterns are not used here).
    public var options: IngestOptions

    /// An extractor with the given options.
    public init(options: IngestOptions = IngestOptions()) {
        self.options = options
    }

    /// Reads `file` and returns its documents in file order, what had to be skipped, and the
    /// fingerprint of the bytes the documents came from (nil when the file could not be read
    /// whole), which incremental indexing compares with the next run's.
    ///
    /// - Complexity: O(n) in the file's size.
    public func extract(_ file: CandidateFile) -> ExtractedFile {
        let limit = options.maxFileSize
        if file.size > limit {
            return ExtractedFile(skipped: [SkippedInput(path: file.path, reason: .tooLarge(size: file.size, limit: limit))])
        }
        switch IngestFileSystem.readFile(atPath: file.rawPath ?? Array(file.path.utf8), sizeLimit: limit, expectedSize: file.size) {
        case .contents(let bytes):
            return documents(fromContents: bytes, of: file)
        case .tooLarge(let size):
            return ExtractedFile(skipped: [SkippedInput(path: file.path, reason: .tooLarge(size: size, limit: limit))])
        case .failed(let reason):
            return ExtractedFile(skipped: [SkippedInput(path: file.path, reason: .unreadable(reason))])
        }
    }

    /// The fingerprint of `file`'s current bytes, or nil if it cannot be read or is larger
    /// than the limit (then a run would skip it).
    public func fingerprint(_ file: CandidateFile) -> FileFingerprint? {
        var scratch: [UInt8] = []
        return fingerprint(file, name: file.rawPath ?? Array(file.path.utf8), relativeTo: IngestFileSystem.currentFolder,
                           scratch: &scratch).fingerprint
    }

    /// The fingerprint of `file`, opened as `name` in the open folder `folder`, read into
    /// `scratch`, or why there is none.
    func fingerprint(_ file: CandidateFile, name: [UInt8], relativeTo folder: Int32,
                     scratch: inout [UInt8]) -> IngestFileSystem.FingerprintOutcome {
        guard file.size <= options.maxFileSize else { return .tooLarge(size: file.size) }
        return IngestFileSystem.fingerprint(atPath: name, relativeTo: folder, sizeLimit: options.maxFileSize, expectedSize: file.size,
                                            scratch: &scratch)
    }

    /// Cuts contents already in memory into documents as if they had been read from `file`
    /// (whose `kind`, ids and path are used; its `size` is not); the fingerprint is that of
    /// `contents`.
    ///
    /// - Complexity: O(n) in the size of `contents`.
    public func documents(fromContents contents: [UInt8], of file: CandidateFile) -> ExtractedFile {
        let limit = options.maxFileSize
        if contents.count > limit {
            return ExtractedFile(skipped: [SkippedInput(path: file.path, reason: .tooLarge(size: contents.count, limit: limit))])
        }
        if Self.looksBinary(contents) {
            return ExtractedFile(skipped: [SkippedInput(path: file.path, reason: .binary)], fingerprint: FileFingerprint(of: contents))
        }
        let fingerprint = FileFingerprint(of: contents)
        // A byte order mark is an encoding signature, not text: it would end up in the title.
        let bytes = IngestBytes.hasByteOrderMark(contents) ? Array(contents[3...]) : contents

        let title: String
        var body: [UInt8]
        var metadata: [String: String] = [:]
        var firstLine = 1
        switch file.kind {
        case .jsonl:
            let lines = jsonLinesDocuments(bytes, of: file)
            return ExtractedFile(documents: lines.documents, skipped: lines.skipped, fingerprint: fingerprint)
        case .text:
            title = DocumentTitleFinder.plainTextTitle(bytes)
            body = bytes
        case .markdown:
            body = bytes
            // Front matter is metadata, not text: it is neither searched nor the title's source
            // (except for its `title`), and passages keep the file's line numbers after it.
            if let frontMatter = MarkdownFrontMatter.parse(bytes) {
                body = Array(bytes[frontMatter.bodyStart...])
                metadata = frontMatter.metadata
                firstLine = frontMatter.bodyFirstLine
                title = frontMatter.title ?? DocumentTitleFinder.markdownTitle(body)
            } else {
                title = DocumentTitleFinder.markdownTitle(bytes)
            }
        case .html:
            let page = HTMLTextExtractor().extract(bytes)
            title = page.title ?? DocumentTitleFinder.plainTextTitle(page.text)
            body = page.text
        }
        return ExtractedFile(
            documents: unitDocuments(body, title: title, id: file.relativePath, metadata: metadata, firstLine: firstLine),
            fingerprint: fingerprint)
    }

    /// Whether the first `binaryProbeLength` bytes hold a NUL, which text in UTF-8 never has.
    static func looksBinary(_ bytes: [UInt8]) -> Bool {
        bytes.prefix(binaryProbeLength).contains(0)
    }

    /// The documents of one file's text under the configured unit, each with the file's
    /// `metadata`. Paragraph and line documents are exact slices of `body`, so offsets in them
    /// are offsets in the file's text shifted by the unit's start; `firstLine` is the file's
    /// number of the body's first line (after Markdown front matter), so `#L<n>` stays the
    /// line of the file.
    func unitDocuments(
        _ body: [UInt8], title: String, id: String, metadata: [String: String] = [:], firstLine: Int = 1
    ) -> [SourceDocument] {
        switch options.unit {
        case .file:
            return [SourceDocument(id: id, title: title, text: body, metadata: metadata)]
        case .line:
            var documents: [SourceDocument] = []
            for line in SourceLineScanner(body, firstLineNumber: firstLine) where !IngestBytes.isBlank(body, line.start..<line.end) {
                documents.append(SourceDocument(
                    id: "\(id)#L\(line.number)", title: title, text: Array(body[line.start..<line.end]), metadata: metadata))
            }
            return documents
        case .paragraph:
            var documents: [SourceDocument] = []
            var first: SourceLine?
            var last: SourceLine?
            for line in SourceLineScanner(body, firstLineNumber: firstLine) {
                if IngestBytes.isBlank(body, line.start..<line.end) {
                    if let open = first, let close = last {
                        documents.append(SourceDocument(
                            id: "\(id)#L\(open.number)", title: title, text: Array(body[open.start..<close.end]), metadata: metadata))
                    }
                    first = nil
                    last = nil
                } else {
                    if first == nil { first = line }
                    last = line
                }
            }
            if let open = first, let close = last {
                documents.append(SourceDocument(
                    id: "\(id)#L\(open.number)", title: title, text: Array(body[open.start..<close.end]), metadata: metadata))
            }
            return documents
        }
    }

    /// One document per record line; blank lines are passed over, bad lines reported by number.
    private func jsonLinesDocuments(
        _ bytes: [UInt8], of file: CandidateFile
    ) -> (documents: [SourceDocument], skipped: [SkippedInput]) {
        var documents: [SourceDocument] = []
        var skipped: [SkippedInput] = []
        for line in SourceLineScanner(bytes) where !IngestBytes.isBlank(bytes, line.start..<line.end) {
            let parsed = bytes.withUnsafeBufferPointer { buffer in
                JSONLineParser.parse(UnsafeBufferPointer(rebasing: buffer[line.start..<line.end]))
            }
            switch parsed {
            case .success(let record):
                documents.append(SourceDocument(
                    id: file.idPrefix + record.id, title: record.title ?? "", text: record.body, metadata: record.metadata))
            case .failure(let failure):
                skipped.append(SkippedInput(
                    path: file.path, reason: .badJSONLine(line: line.number, reason: failure.description)))
            }
        }
        return (documents, skipped)
    }
}

/// What extracting one file gave.
public struct ExtractedFile: Sendable, Equatable {
    /// Its documents, in file order.
    public var documents: [SourceDocument]
    /// What had to be skipped: the whole file (too large, binary, unreadable), or bad lines.
    public var skipped: [SkippedInput]
    /// The fingerprint of the bytes the documents came from; nil when the file could not be
    /// read whole.
    public var fingerprint: FileFingerprint?

    public init(documents: [SourceDocument] = [], skipped: [SkippedInput] = [], fingerprint: FileFingerprint? = nil) {
        self.documents = documents
        self.skipped = skipped
        self.fingerprint = fingerprint
    }
}
