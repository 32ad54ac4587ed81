#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SiftIngest

/// Buffered writing to stdout and stderr; output for people on a terminal, for tools otherwise.
enum Output {
    nonisolated(unsafe) private static var pending: [UInt8] = []

    static func write(_ text: String) {
        pending.append(contentsOf: text.utf8)
        if pending.count >= 1 << 16 { flush() }
    }

    static func line(_ text: String) { write(text + "\n") }

    static func flush() {
        var offset = 0
        while offset < pending.count {
            let written = pending.withUnsafeBytes { Glibc.write(1, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                break  // a closed pipe (e.g. `| head`): nothing more can be shown
            }
            offset += written
        }
        pending.removeAll(keepingCapacity: true)
    }

    static func error(_ text: String) {
        flush()
        let bytes = Array((text + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress! + offset, $0.count - offset) }
            if written <= 0 {
                if written < 0 && errno == EINTR { continue }
                break
            }
            offset += written
        }
    }

    /// Writes to stderr without a newline (progress lines that redraw themselves).
    static func errorInline(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress!, $0.count) }
    }

    static func warning(_ text: String) { error("warning: \(text)") }

    /// A note about how input was read (stderr); `--quiet` leaves notes out.
    static func note(_ text: String) {
        if !quiet { error("note: \(text)") }
    }

    static var stdoutIsTerminal: Bool { isatty(1) != 0 }
    static var stderrIsTerminal: Bool { isatty(2) != 0 }

    /// `--color`: when output for people uses terminal styles (bold matches).
    nonisolated(unsafe) static var color: ColorChoice = .auto
    /// `--quiet`: no progress line and no notes; warnings and errors are still shown.
    nonisolated(unsafe) static var quiet = false

    /// Whether standard output gets terminal styles: `--color always`, or `auto` on a terminal
    /// unless `NO_COLOR` is set (to anything but "") or `TERM` is `dumb`.
    static var stylesStandardOutput: Bool {
        switch color {
        case .always: true
        case .never: false
        case .auto: stdoutIsTerminal && !environmentForbidsStyles
        }
    }

    /// Whether a progress line may redraw itself on stderr: a terminal that is not `dumb`
    /// (which cannot erase a line), and no `--quiet`.
    static var showsProgress: Bool {
        !quiet && stderrIsTerminal && environment("TERM") != "dumb"
    }

    private static var environmentForbidsStyles: Bool {
        if let noColor = environment("NO_COLOR"), !noColor.isEmpty { return true }
        return environment("TERM") == "dumb"
    }

    private static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}

/// `--color auto|always|never`.
enum ColorChoice: String, CaseIterable {
    case auto, always, never
}

/// Minimal JSON text building with a fixed key order, so output is stable and diffable.
enum JSON {
    static func string(_ value: String) -> String {
        JSONText.quoted(value)
    }

    /// An object from ordered key/raw-JSON pairs.
    static func object(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    static func array(_ items: [String]) -> String {
        "[" + items.joined(separator: ",") + "]"
    }

    /// A finite number at full precision (shortest text that reads back as the same value).
    static func number(_ value: Double) -> String {
        value.isFinite ? "\(value)" : "null"
    }

    static func number(_ value: Float) -> String {
        value.isFinite ? "\(value)" : "null"
    }
}
