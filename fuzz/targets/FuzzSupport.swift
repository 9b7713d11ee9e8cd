import Foundation

// Shared by every fuzz target (compiled into each). The parsers read files (several ranks read
// byte ranges of one), so each input is written to a scratch file first; /dev/shm keeps that in
// memory.

/// A per-process scratch file, rewritten for every input.
let scratchPath: String = {
    let dir = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return "\(dir)/eigenpair-fuzz-\(getpid())-\(scratchName)"
}()

/// Writes the input to `scratchPath` (created once, truncated each time).
func writeScratch(_ data: UnsafePointer<UInt8>, _ size: Int) {
    let fd = open(scratchPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    precondition(fd >= 0, "cannot create \(scratchPath)")
    var done = 0
    while done < size {
        let n = write(fd, data + done, size - done)
        precondition(n > 0, "cannot write \(scratchPath)")
        done += n
    }
    close(fd)
}

/// Stops the fuzzer with a message (libFuzzer records the input as a crash).
func oracle(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("oracle: " + message()) }
}
