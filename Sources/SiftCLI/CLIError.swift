/// How a subcommand ends when it does not succeed; each case maps to a sysexits status.
enum CLIError: Error {
    /// Help was asked for: print it to stdout, exit 0.
    case help(String)
    /// Bad arguments: exit 64, one line pointing to the command's help.
    case usage(String, usage: String)
    /// A query that cannot be run as written (syntax, limits): exit 64, the message alone.
    case query(String)
    /// Bad data (a corrupt index, malformed input): exit 65.
    case data(String)
    /// A missing input (no such folder, no index): exit 66.
    case noInput(String)
    /// An I/O failure: exit 74.
    case io(String)

    var exitCode: Int32 {
        switch self {
        case .help: 0
        case .usage, .query: 64
        case .data: 65
        case .noInput: 66
        case .io: 74
        }
    }
}
