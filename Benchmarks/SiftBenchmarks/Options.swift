/// A tiny option reader for the benchmark tool: `--name value` pairs and flags. Every option a
/// benchmark takes is declared, so an unknown one is an error, never silently ignored.
struct BenchOptions {
    private var values: [String: String] = [:]
    private var flags: Set<String> = []

    /// - Parameters:
    ///   - known: the flags (options without a value) the benchmark takes.
    ///   - valued: the options that take a value.
    init(_ arguments: ArraySlice<String>, flags known: Set<String>, values valued: Set<String>) throws(BenchError) {
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("-") else { throw .usage("unexpected argument '\(argument)'") }
            if known.contains(argument) {
                flags.insert(argument)
                continue
            }
            guard valued.contains(argument) else {
                let all = (known.union(valued)).sorted().joined(separator: " ")
                throw .usage("unknown option '\(argument)' (this benchmark takes: \(all))")
            }
            guard index < arguments.endIndex else { throw .usage("option '\(argument)' needs a value") }
            guard values[argument] == nil else { throw .usage("option '\(argument)' given more than once") }
            values[argument] = arguments[index]
            index += 1
        }
    }

    func string(_ name: String) -> String? { values[name] }
    func flag(_ name: String) -> Bool { flags.contains(name) }

    func integer(_ name: String, default fallback: Int) throws(BenchError) -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text), value >= 0 else { throw .usage("\(name) must be a whole number, not '\(text)'") }
        return value
    }
}

enum BenchError: Error {
    case usage(String)
    case failed(String)
}
