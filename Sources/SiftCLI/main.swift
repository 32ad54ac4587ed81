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
]

let topHelp = """
    OVERVIEW: Sift — full-text search: index a folder of articles, search it with BM25.

    USAGE: sift <subcommand> [options]

    SUBCOMMANDS:
    \(commands.map { "  " + $0.0.name.padded(to: 10) + $0.0.overview }.joined(separator: "\n"))

    OPTIONS:
      --version               Show the version.
      -h, --help              Show help information.

      See 'sift <subcommand> --help' for a subcommand's options.

    """

@MainActor
func runMain() -> Int32 {
    var arguments = Array(CommandLine.arguments.dropFirst())
    guard let first = arguments.first else {
        Output.error("Error: missing subcommand\nUsage: sift <subcommand> [options]  (see 'sift --help')")
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
        Output.error("Error: unknown subcommand '\(first)'\nUsage: sift <subcommand> [options]  (see 'sift --help')")
        return 64
    }
    do {
        try command.1(arguments)
        Output.flush()
        return 0
    } catch {
        switch error {
        case .help(let text):
            Output.write(text)
            Output.flush()
        case .usage(let message, let usage):
            Output.error("Error: \(message)\nUsage: \(usage)\n  See 'sift \(command.0.name) --help'.")
        case .data(let message), .noInput(let message), .io(let message):
            Output.error("Error: \(message)")
        }
        return error.exitCode
    }
}

exit(runMain())
