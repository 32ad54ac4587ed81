/// One option of a subcommand, as shown in help and accepted on the command line.
struct OptionSpec {
    /// Spellings, e.g. `["-k", "--top"]`; the last is the canonical name used for lookup.
    var names: [String]
    /// Name of the value in help (`N`, `PATH`), or nil for a flag.
    var valueName: String?
    var help: String
    var repeatable = false

    var key: String { names.last! }
}

/// What a subcommand accepts and how it is described.
struct CommandSpec {
    var name: String
    var overview: String
    var usage: String
    var arguments: [(String, String)] = []
    var options: [OptionSpec] = []
    var discussion: String? = nil

    /// OVERVIEW / USAGE / ARGUMENTS / OPTIONS, in the manner of swift-argument-parser.
    var help: String {
        var lines = ["OVERVIEW: \(overview)", "", "USAGE: \(usage)", ""]
        if !arguments.isEmpty {
            lines.append("ARGUMENTS:")
            for (name, text) in arguments { lines.append(Self.row(name, text)) }
            lines.append("")
        }
        lines.append("OPTIONS:")
        for option in options + Self.commonOptions {
            var left = option.names.joined(separator: ", ")
            if let value = option.valueName { left += " <\(value)>" }
            lines.append(Self.row(left, option.help))
        }
        lines.append(Self.row("-h, --help", "Show help information."))
        if let discussion { lines += ["", discussion] }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func row(_ left: String, _ text: String) -> String {
        let pad = 26
        let indented = "  " + left
        if indented.count < pad - 1 {
            return indented + String(repeating: " ", count: pad - indented.count) + text
        }
        return indented + "\n" + String(repeating: " ", count: pad) + text
    }

    /// Options every subcommand takes (also before the subcommand: `sift --quiet index …`).
    static let commonOptions = [
        OptionSpec(names: ["--color"], valueName: "auto|always|never", help: "Bold matches: on a terminal unless NO_COLOR is set or TERM=dumb (auto, default), always, or never."),
        OptionSpec(names: ["-q", "--quiet"], valueName: nil, help: "No progress line and no notes on stderr (warnings and errors still show)."),
    ]

    /// Applies a common option (`--color`, `--quiet`) to the output settings.
    static func applyCommon(_ option: OptionSpec, value: String?, usage: String) throws(CLIError) {
        switch option.key {
        case "--quiet":
            Output.quiet = true
        default:
            guard let value, let choice = ColorChoice(rawValue: value) else {
                throw .usage("--color must be one of auto, always, never, not '\(value ?? "")'", usage: usage)
            }
            Output.color = choice
        }
    }

    /// Parses `arguments` (without the subcommand name). `-h`/`--help` throws `.help`.
    func parse(_ arguments: [String]) throws(CLIError) -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositionals || !argument.hasPrefix("-") || argument == "-" {
                parsed.positionals.append(argument)
                continue
            }
            if argument == "--" {
                onlyPositionals = true
                continue
            }
            if argument == "-h" || argument == "--help" { throw .help(help) }
            var name = argument
            var inlineValue: String? = nil
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            let common = Self.commonOptions.first(where: { $0.names.contains(name) })
            guard let option = options.first(where: { $0.names.contains(name) }) ?? common else {
                throw usageError("unknown option '\(name)'")
            }
            if option.valueName == nil {
                if inlineValue != nil { throw usageError("option '\(name)' takes no value") }
                if common != nil { try Self.applyCommon(option, value: nil, usage: usage) }
                parsed.flags.insert(option.key)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < arguments.count else { throw usageError("option '\(name)' needs a value <\(option.valueName!)>") }
                value = arguments[index]
                index += 1
            }
            if !option.repeatable && parsed.values[option.key] != nil {
                throw usageError("option '\(name)' given more than once")
            }
            if common != nil { try Self.applyCommon(option, value: value, usage: usage) }
            parsed.values[option.key, default: []].append(value)
        }
        return parsed
    }

    /// A usage error for this command (printed as one line that points to its help).
    func usageError(_ message: String) -> CLIError {
        .usage(message, usage: usage)
    }
}

/// The parsed command line of one subcommand.
struct ParsedArguments {
    var values: [String: [String]] = [:]
    var flags: Set<String> = []
    var positionals: [String] = []

    func value(_ key: String) -> String? { values[key]?.last }
    func all(_ key: String) -> [String] { values[key] ?? [] }
    func flag(_ key: String) -> Bool { flags.contains(key) }

    /// An integer option within `range`, or `fallback` when absent.
    func integer(_ key: String, default fallback: Int, range: ClosedRange<Int>, spec: CommandSpec) throws(CLIError) -> Int {
        guard let text = value(key) else { return fallback }
        guard let number = Int(text), range.contains(number) else {
            throw spec.usageError("\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return number
    }

    /// A decimal option within `range`, or `fallback` when absent.
    func decimal(_ key: String, default fallback: Double, range: ClosedRange<Double>, spec: CommandSpec) throws(CLIError) -> Double {
        guard let text = value(key) else { return fallback }
        guard let number = Double(text), number.isFinite, range.contains(number) else {
            throw spec.usageError("\(key) must be a number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return number
    }

    /// One of a fixed set of words.
    func choice(_ key: String, default fallback: String, among choices: [String], spec: CommandSpec) throws(CLIError) -> String {
        guard let text = value(key) else { return fallback }
        guard choices.contains(text) else {
            throw spec.usageError("\(key) must be one of \(choices.joined(separator: ", ")), not '\(text)'")
        }
        return text
    }
}
