#if canImport(Glibc)
import Glibc
#endif
import Sift

/// The subcommands, in the order help lists them.
let commands: [(CommandSpec, ([String]) throws(CLIError) -> Void)] = [
    (IndexCommand.spec, IndexCommand.run),
    (SearchCommand.spec, SearchCommand.run),
    (AnalyzeCommand.spec, AnalyzeCommand.run),
    (StemCommand.spec, StemCommand.run),
    (StatsCommand.spec, StatsCommand.run),
    (CheckCommand.spec, CheckCommand.run),
    (OptimizeCommand.spec, OptimizeCommand.run),
    (EvalCommand.spec, EvalCommand.run),
    (ShowCommand.spec, ShowCommand.run),
    (ListCommand.spec, ListCommand.run),
    (ExportCommand.spec, ExportCommand.run),
    (ImportCommand.spec, ImportCommand.run),
]

let topHelp = """
    OVERVIEW: Sift — full-text search: index a folder of articles, search it with BM25.

    USAGE: sift <subcommand> [options]

    SUBCOMMANDS:
    \(commands.map { "  " + $0.0.name.padded(to: 10) + $0.0.overview }.joined(separator: "\n"))

    OPTIONS:
      --color <auto|always|never>
                              Bold matches: on a terminal unless NO_COLOR is set or TERM=dumb (auto, default), always, or never.
      -q, --quiet             No progress line and no notes on stderr (warnings and errors still show).
      --version               Show the version.
      -h, --help              Show help information.

      See 'sift <subcommand> --help' for a subcommand's options.

    """

@MainActor
func runMain() -> Int32 {
    var arguments = Array(CommandLine.arguments.dropFirst())
    // `--color` and `--quiet` may also come before the subcommand.
    while let first = arguments.first, let option = CommandSpec.commonOptions.first(where: { option in
        option.names.contains(first) || (first.hasPrefix(option.key + "="))
    }) {
        arguments.removeFirst()
        var value: String? = nil
        if option.valueName != nil {
            if let equals = first.firstIndex(of: "=") {
                value = String(first[first.index(after: equals)...])
            } else if !arguments.isEmpty {
                value = arguments.removeFirst()
            }
        }
        do {
            try CommandSpec.applyCommon(option, value: value, usage: "sift")
        } catch {
            if case .usage(let message, _) = error { Output.error("Error: \(message) (see 'sift --help')") }
            return 64
        }
    }
    guard let first = arguments.first else {
        Output.error("Error: missing subcommand; usage: sift <subcommand> [options] (see 'sift --help')")
        return 64
    }
    if first == "-h" || first == "--help" || first == "help" {
        Output.write(topHelp)
        Output.flush()
        return 0
    }
    if first == "--version" {
        Output.line("sift \(SiftVersion.current)")
        Output.flush()
        return 0
    }
    arguments.removeFirst()
    guard let command = commands.first(where: { $0.0.name == first }) else {
        Output.error("Error: unknown subcommand '\(TerminalText.escaped(first))' (see 'sift --help')")
        return 64
    }
    do {
        try command.1(arguments)
        Output.flush()
        return 0
    } catch {
        // Every error is one line on stderr.
        switch error {
        case .help(let text):
            Output.write(text)
            Output.flush()
        case .usage(let message, _):
            Output.error("Error: \(TerminalText.escaped(message)) (see 'sift \(command.0.name) --help')")
        case .query(let message), .data(let message), .noInput(let message), .io(let message):
            Output.error("Error: \(TerminalText.escaped(message))")
        }
        return error.exitCode
    }
}

exit(runMain())
