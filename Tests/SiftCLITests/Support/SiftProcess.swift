import Foundation

/// Runs the built `sift` executable, as a user would, and captures what it printed.
enum SiftProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `sift` binary next to the test bundle (both are products of the same build).
    static let executable: URL = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("sift")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        // `swift test` puts the test runner in .build/<triple>/debug; fall back to the package's.
        return packageRoot.appendingPathComponent(".build/debug/sift")
    }()

    /// The package root, found from this file's path.
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }  // Support, SiftCLITests, Tests, file
        return url
    }()

    /// SIGPIPE ignored for the test process, once: writing to a child that has exited gives
    /// EPIPE instead of killing every test.
    static let ignoreBrokenPipes: Void = {
        _ = signal(SIGPIPE, SIG_IGN)
    }()

    /// `sift-bench`, built beside `sift`.
    static var benchmarkExecutable: URL { executable.deletingLastPathComponent().appendingPathComponent("sift-bench") }

    /// Runs `sift` (or another `executable`) with `arguments` in `directory`, feeding `input`
    /// on stdin; `environment` entries are added to the test's own.
    @discardableResult
    static func run(_ arguments: [String], in directory: URL? = nil, input: Data? = nil, executable: URL? = nil,
                    environment: [String: String] = [:]) throws -> Result {
        try run(arguments, in: directory, input: input, limit: nil, executable: executable, environment: environment)!
    }

    /// As `run`, but a command still running after `limit` seconds is killed (SIGKILL) and nil
    /// returned — only a bound so that a command waiting on a lock fails a test instead of
    /// hanging it.
    static func run(_ arguments: [String], in directory: URL? = nil, input: Data? = nil, limit: TimeInterval?,
                    executable: URL? = nil, environment: [String: String] = [:]) throws -> Result? {
        let process = Process()
        process.executableURL = executable ?? Self.executable
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let stdout = Pipe()
        let stderr = Pipe()
        let stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        // Read both pipes concurrently with writing input, so a large output cannot deadlock.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async { outData = stdout.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData = stderr.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        // A command may exit without reading its input (a usage error): the write then fails
        // with EPIPE, which must not kill the test runner with SIGPIPE.
        ignoreBrokenPipes
        if let input, !input.isEmpty { try? stdin.fileHandleForWriting.write(contentsOf: input) }
        try? stdin.fileHandleForWriting.close()
        if let limit, finished.wait(timeout: .now() + limit) == .timedOut {
            if process.isRunning { _ = kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            group.wait()
            return nil
        }
        process.waitUntilExit()
        group.wait()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A fresh temporary folder, removed by the caller with `removeTemporaryDirectory`.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sift-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func removeTemporaryDirectory(_ url: URL) {
        try? FileManager.default.removeItem(at: url)
    }

    /// Writes `files` (relative path → contents) under `directory`.
    static func write(_ files: [String: String], in directory: URL) throws {
        for (path, contents) in files {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: url)
        }
    }
}
