import Foundation

// Every error of the library reads as a sentence for people: `localizedDescription` (and
// `errorDescription`) is the error's `description`, which names what failed and the values
// involved — never a command to type; the `sift` tool adds such hints itself.

extension IndexError: LocalizedError {
    public var errorDescription: String? { description }
}

extension SearchError: LocalizedError {
    public var errorDescription: String? { description }
}

extension QuerySyntaxError: LocalizedError {
    public var errorDescription: String? { description }
}

extension QueryLimitError: LocalizedError {
    public var errorDescription: String? { description }
}

extension InvalidArgument: LocalizedError {
    public var errorDescription: String? { description }
}

extension IngestError: LocalizedError {
    public var errorDescription: String? { description }
}

extension AnalysisError: LocalizedError {
    public var errorDescription: String? { description }
}

extension FileError: LocalizedError {
    public var errorDescription: String? { description }
}

extension EvaluationError: LocalizedError {
    public var errorDescription: String? { description }
}
