import Foundation

/// Progress on stderr, for runs longer than a second. Lines of the first second are held back,
/// then printed (with the times they were noted at) when the run reaches one second, so quick runs
/// stay quiet and longer runs show every line from the start.
final class Progress: @unchecked Sendable {
    private let began = Date()
    private let enabled: Bool
    private let lock = NSLock()
    /// Lines noted before the first second, until they are printed.
    private var held: [String] = []
    private var released = false

    init(enabled: Bool) {
        self.enabled = enabled
        guard enabled else { return }
        // A timer, not the next note: a run may spend minutes in one phase after its first line.
        DispatchQueue.global().asyncAfter(deadline: .now() + 1) { [self] in release() }
    }

    var elapsed: Double { Date().timeIntervalSince(began) }

    func note(_ message: String) {
        guard enabled else { return }
        let line = String(format: "[%7.1fs] %@\n", elapsed, message)
        lock.lock()
        defer { lock.unlock() }
        if released || elapsed >= 1 {
            flushHeld()
            FileHandle.standardError.write(Data(line.utf8))
        } else {
            held.append(line)
        }
    }

    private func release() {
        lock.lock()
        defer { lock.unlock() }
        flushHeld()
    }

    /// Caller holds `lock`.
    private func flushHeld() {
        released = true
        if !held.isEmpty { FileHandle.standardError.write(Data(held.joined().utf8)) }
        held = []
    }
}
