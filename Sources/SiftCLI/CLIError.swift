/// How a subcommand ends when it does not succeed; each case maps to a sysexits status.
enum CLIError: Error {
    /// Help was asked for: print it to stdout, exit 0.
    case help(String)
    /// Bad arguments: exit 64 with the usage line.
    case usage(String, usage: String)
    /// Bad data (a corrupt index, malformed input): exit 65.
    case data(String)
    /// A missing input (no such folder, no index): exit 66.
    case noInput(String)
    /// An I/O failure: exit 74.
    case io(String)

    var exitCode: Int32 {
        switch self {
        case .help: 0
        case .usage: 64
        case .data: 65
        case .noInput: 66
        case .io: 74
        }
    }
}
