/// A tiny option reader for the benchmark tool: `--name value` pairs and flags.
struct BenchOptions {
    private var values: [String: String] = [:]
    private var flags: Set<String> = []

    init(_ arguments: ArraySlice<String>, flags known: Set<String>) throws(BenchError) {
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("-") else { throw .usage("unexpected argument '\(argument)'") }
            if known.contains(argument) {
                flags.insert(argument)
                continue
            }
            guard index < arguments.endIndex else { throw .usage("option '\(argument)' needs a value") }
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

    /// Names given that the command does not know.
    func unknown(besides known: Set<String>) -> [String] {
        values.keys.filter { !known.contains($0) }.sorted()
    }
}

enum BenchError: Error {
    case usage(String)
    case failed(String)
}
