#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NpyFormat

/// The ASCII bytes the parsers look at. Plain literals (not `UInt8(ascii:)`) so that they fold to
/// constants in the hot loops.
enum ASCII {
    static let tab: UInt8 = 0x09
    static let newline: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let hash: UInt8 = 0x23
    static let percent: UInt8 = 0x25
    static let plus: UInt8 = 0x2B
    static let comma: UInt8 = 0x2C
    static let minus: UInt8 = 0x2D
    static let dot: UInt8 = 0x2E
    static let zero: UInt8 = 0x30
}

/// Why a field could not be read. The scanner knows nothing about what the field means, so the
/// parsers turn this into a message that names the field ("negative node ID -3").
enum ScanError: Error, Equatable {
    /// No token at the cursor: end of line, or a comma where a value should be.
    case missing
    /// The token is not a number of the requested kind.
    case notNumeric
    /// An integer with a minus sign where only non-negative values exist.
    case negative
    /// The number does not fit (UInt64, or a finite Double).
    case overflow
}

/// A cursor over one line of raw bytes. Parsing works on the chunk buffer directly and only makes
/// a `String` when an error message needs the offending token, which keeps the per-line cost to a
/// few dozen instructions. The bytes belong to `ChunkedLineReader`'s buffer, so a scanner must not
/// outlive the callback that received it.
struct ByteScanner {
    let base: UnsafePointer<UInt8>
    var position: Int
    let end: Int

    init(base: UnsafePointer<UInt8>, position: Int, end: Int) {
        self.base = base
        self.position = position
        self.end = end
    }

    var isAtEnd: Bool { position >= end }

    /// The byte under the cursor; only valid when `!isAtEnd`.
    var current: UInt8 { base[position] }

    /// Blanks separate fields; a stray `\r` (old Mac line ends, or CR before LF already stripped)
    /// is treated as one too rather than as part of a number.
    @inline(__always)
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == ASCII.space || byte == ASCII.tab || byte == ASCII.carriageReturn
    }

    /// Bytes that end a token.
    @inline(__always)
    static func isDelimiter(_ byte: UInt8) -> Bool {
        isBlank(byte) || byte == ASCII.comma
    }

    @inline(__always)
    mutating func skipBlanks() {
        while position < end && Self.isBlank(base[position]) { position += 1 }
    }

    /// Moves the cursor to the next delimiter (or the end of the line).
    mutating func skipToken() {
        while position < end && !Self.isDelimiter(base[position]) { position += 1 }
    }

    /// Moves past the separator that follows a field: blanks, or one comma with optional blanks
    /// around it. Returns whether another field follows; a comma with nothing after it (`1,,2`,
    /// `1 2,`) is an empty field, which is an error rather than something to guess about.
    @inline(__always)
    mutating func advanceToNextField() throws(ScanError) -> Bool {
        skipBlanks()
        guard position < end else { return false }
        if base[position] == ASCII.comma {
            position += 1
            skipBlanks()
            if position >= end || base[position] == ASCII.comma { throw .missing }
        }
        return true
    }

    /// Counts the tokens from the cursor to the end of the line, for "found N fields" messages and
    /// for the first data line, which fixes the column count. Does not move the cursor.
    func countFields() -> Int {
        var copy = self
        var count = 0
        while true {
            while copy.position < copy.end && Self.isDelimiter(copy.base[copy.position]) { copy.position += 1 }
            if copy.isAtEnd { return count }
            copy.skipToken()
            count += 1
        }
    }

    /// The token starting at `start`, for error messages: capped so that a binary file does not
    /// produce a megabyte-long message, and escaped (`TerminalSafeText`) so that its bytes cannot
    /// drive the terminal.
    func token(from start: Int, limit: Int = 40) -> String {
        var stop = start
        while stop < end && !Self.isDelimiter(base[stop]) { stop += 1 }
        let shown = UnsafeBufferPointer(start: base + start, count: min(stop - start, limit))
        let text = TerminalSafeText.escaping(bytes: shown)
        return stop - start > limit ? text + "…" : text
    }

    /// The token starting at `start`, whole and unescaped (a label's name: data, not a message).
    func tokenText(from start: Int) -> String {
        var stop = start
        while stop < end && !Self.isDelimiter(base[stop]) { stop += 1 }
        return String(decoding: UnsafeBufferPointer(start: base + start, count: stop - start), as: UTF8.self)
    }

    /// The rest of the line as text (headers and labels only, never the hot path).
    func remainingText() -> String {
        String(decoding: UnsafeBufferPointer(start: base + position, count: max(0, end - position)), as: UTF8.self)
    }

    /// Reads a token that must be a non-negative decimal integer fitting in UInt64. The loop uses
    /// wrapping arithmetic and only tokens longer than 19 digits are re-checked for overflow, so
    /// the common case has no per-digit overflow branch.
    @inline(__always)
    mutating func readUInt64() throws(ScanError) -> UInt64 {
        let start = position
        guard start < end, !Self.isDelimiter(base[start]) else { throw .missing }
        if base[start] == ASCII.minus {
            let hasDigit = start + 1 < end && base[start + 1] &- ASCII.zero <= 9
            skipToken()
            throw hasDigit ? .negative : .notNumeric
        }
        var p = start
        var value: UInt64 = 0
        while p < end {
            let digit = base[p] &- ASCII.zero
            if digit > 9 { break }
            value = value &* 10 &+ UInt64(digit)
            p += 1
        }
        if p == start || (p < end && !Self.isDelimiter(base[p])) {
            skipToken()
            throw .notNumeric
        }
        position = p
        if p - start > 19 { return try checkedUInt64(start, p) }
        return value
    }

    /// Slow path for long digit strings: leading zeros are fine, real overflow is an error.
    private func checkedUInt64(_ start: Int, _ stop: Int) throws(ScanError) -> UInt64 {
        var value: UInt64 = 0
        for p in start..<stop {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(base[p] &- ASCII.zero))
            if o1 || o2 { throw .overflow }
            value = sum
        }
        return value
    }

    /// Exact powers of ten for the fast path below (10^22 is the largest exactly representable).
    /// A switch rather than a global array: it compiles to a constant table with no lazy
    /// initialisation check on every call.
    @inline(__always)
    private static func powerOfTen(_ exponent: Int) -> Double {
        switch exponent {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    /// Reads a decimal floating point token: `[+-]digits[.digits][e[+-]digits]`, or `nan`/`inf`/
    /// `infinity` in any case, which are returned as values so the caller can reject them by name.
    /// Tokens with at most 19 significant digits and a small exponent are converted exactly with
    /// one rounding (Clinger's fast path); everything else goes to `strtod` on a NUL-terminated
    /// copy, so the result is always the correctly rounded double. Hex floats and other `strtod`
    /// extensions are rejected by the syntax check first.
    mutating func readDouble() throws(ScanError) -> Double {
        let start = position
        guard start < end, !Self.isDelimiter(base[start]) else { throw .missing }
        var p = start
        var negative = false
        if base[p] == ASCII.minus || base[p] == ASCII.plus {
            negative = base[p] == ASCII.minus
            p += 1
        }
        if p < end, case let letter = base[p] | 0x20, letter == 0x6E || letter == 0x69 {  // 'n' or 'i'
            return try readSpecialValue(from: p, negative: negative)
        }
        var mantissa: UInt64 = 0
        var significant = 0
        var exponent = 0
        var digits = 0
        var truncated = false
        while p < end, case let digit = base[p] &- ASCII.zero, digit <= 9 {
            digits += 1
            if mantissa == 0 && digit == 0 {
                // leading zero: contributes nothing
            } else if significant < 19 {
                mantissa = mantissa * 10 + UInt64(digit)
                significant += 1
            } else {
                exponent += 1
                truncated = truncated || digit != 0
            }
            p += 1
        }
        if p < end && base[p] == ASCII.dot {
            p += 1
            while p < end, case let digit = base[p] &- ASCII.zero, digit <= 9 {
                digits += 1
                if mantissa == 0 && digit == 0 {
                    exponent -= 1
                } else if significant < 19 {
                    mantissa = mantissa * 10 + UInt64(digit)
                    significant += 1
                    exponent -= 1
                } else {
                    truncated = truncated || digit != 0
                }
                p += 1
            }
        }
        guard digits > 0 else { skipToken(); throw .notNumeric }
        if p < end && base[p] | 0x20 == 0x65 {  // 'e'
            p += 1
            var exponentNegative = false
            if p < end && (base[p] == ASCII.minus || base[p] == ASCII.plus) {
                exponentNegative = base[p] == ASCII.minus
                p += 1
            }
            var written = 0
            var exponentDigits = 0
            while p < end, case let digit = base[p] &- ASCII.zero, digit <= 9 {
                if written < 100_000 { written = written * 10 + Int(digit) }
                exponentDigits += 1
                p += 1
            }
            guard exponentDigits > 0 else { skipToken(); throw .notNumeric }
            exponent += exponentNegative ? -written : written
        }
        guard p == end || Self.isDelimiter(base[p]) else { skipToken(); throw .notNumeric }
        position = p
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        if !truncated && mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
            let magnitude = exponent >= 0
                ? Double(mantissa) * Self.powerOfTen(exponent)
                : Double(mantissa) / Self.powerOfTen(-exponent)
            return negative ? -magnitude : magnitude
        }
        let value = Self.strtodCopy(base + start, count: p - start)
        // Out of range either way: a written nonzero value that would become 0 (below the
        // smallest subnormal, e.g. 1e-400) is as wrong as one that would become infinite; only
        // a literal zero is a zero weight.
        if value.isInfinite || value == 0 { throw .overflow }
        return value
    }

    /// `nan`, `inf` and `infinity`, matched case-insensitively and only as whole tokens.
    private mutating func readSpecialValue(from p: Int, negative: Bool) throws(ScanError) -> Double {
        var stop = p
        while stop < end && !Self.isDelimiter(base[stop]) { stop += 1 }
        var word: [UInt8] = []
        for q in p..<min(stop, p + 8) { word.append(base[q] | 0x20) }
        position = stop
        switch (stop - p, word) {
        case (3, Array("nan".utf8)): return .nan
        case (3, Array("inf".utf8)), (8, Array("infinity".utf8)): return negative ? -.infinity : .infinity
        default: throw .notNumeric
        }
    }

    /// `strtod` needs a NUL-terminated string; the token is copied to a small temporary buffer.
    private static func strtodCopy(_ token: UnsafePointer<UInt8>, count: Int) -> Double {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { scratch in
            for i in 0..<count { scratch[i] = CChar(bitPattern: token[i]) }
            scratch[count] = 0
            return strtod(scratch.baseAddress!, nil)
        }
    }
}

/// Where a line sits in its file: its 1-based number for messages, plus byte offsets, so that a
/// parser can extrapolate the final edge count from the first chunk and reserve its arrays once
/// instead of growing them by doubling (which would briefly need 1.5x the memory of a multi-GB edge
/// list). Line numbers count from the first line the reader handed out: the file's line 1 for a
/// whole-file read, the part's own first line for a byte-range read (see `ByteRangePlan`).
struct LineLocation {
    var number: Int
    /// File offset of the line's first byte (after the byte order mark on a file's first line).
    var byteOffset: Int
    /// Where this read is expected to end, for the extrapolation: the file size for a whole-file
    /// read (0 when unknown: a pipe), the part's nominal end for a byte range (whose start the
    /// parser knows). Three words, as the hot loops have always had: every field is one more
    /// value kept live per line.
    var rangeEnd: Int
}

/// What one pass of the line reader covered.
struct LineScan: Equatable {
    /// Lines handed to the callback, in order; a last line without `\n` counts as a line, as it
    /// does in line numbers.
    var lines: Int
    /// File offsets from the first line's first byte to just past the last line's line end. Empty
    /// (at the first line start at or after the range's start) when the range owns no line.
    var bytes: Range<Int>
}

enum ChunkedLineReader {
    /// Large enough that read calls are rare, small enough to be irrelevant next to the output.
    static let defaultChunkSize = 32 << 20

    /// Opens `path` for reading with the errors users should see ("cannot open: <strerror>", "is
    /// a directory", "not a regular file (a FIFO or pipe)"): without blocking, then checked with
    /// fstat (`InputFile.openRegular`), so a FIFO with no writer is an error, not a hang.
    static func openFile(path: String) throws(InputError) -> (descriptor: Int32, size: Int) {
        do {
            return try InputFile.openRegular(path)
        } catch {
            throw InputError(file: path, reason: error.reason)
        }
    }

    /// The first `count` bytes of the file (fewer if it is shorter), to detect its format.
    static func peek(path: String, count: Int) throws(InputError) -> [UInt8] {
        let (descriptor, _) = try openFile(path: path)
        defer { close(descriptor) }
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: count)
        defer { scratch.deallocate() }
        let filled = try fill(descriptor, scratch, count, path: path)
        return Array(UnsafeBufferPointer(start: scratch, count: filled))
    }

    /// Reads until `count` bytes are in or the file ends; returns how many were read.
    private static func fill(_ descriptor: Int32, _ destination: UnsafeMutableRawPointer, _ count: Int,
                             path: String) throws(InputError) -> Int {
        var filled = 0
        while filled < count {
            let n = read(descriptor, destination + filled, count - filled)
            if n > 0 { filled += n; continue }
            if n == 0 { break }
            if errno == EINTR { continue }
            throw InputError(file: path, reason: "read error: \(String(cString: strerror(errno)))")
        }
        return filled
    }

    /// Calls `body` for every line of the file in order. `body` gets a scanner over the line's
    /// bytes (without the line end) and the line's location.
    @inline(__always)
    static func forEachLine(path: String, chunkSize: Int = defaultChunkSize,
                            _ body: (inout ByteScanner, LineLocation) throws(InputError) -> Void) throws(InputError) {
        let (descriptor, fileSize) = try openFile(path: path)
        defer { close(descriptor) }
        _ = try scanLines(descriptor: descriptor, fileSize: fileSize, path: path, from: 0, before: .max,
                          chunkSize: chunkSize) { (line, location) throws(InputError) -> Bool in
            try body(&line, location)
            return true
        }
    }

    /// Feeds every line of the file to a fresh `State` and returns its edges: the whole-file parse
    /// of every line-oriented format.
    static func parseWhole<State: WholeFileParse>(_: State.Type, path: String,
                                                  chunkSize: Int) throws(InputError) -> EdgeList {
        var state = State(file: path)
        try forEachLine(path: path, chunkSize: chunkSize) { (line, location) throws(InputError) in
            try state.consume(&line, at: location)
        }
        return try state.finish()
    }

    /// Calls `body` for every line whose first byte lies in `range` (a nominal part from
    /// `ByteRangePlan`), with line numbers counted from 1 at the first such line, and returns how
    /// many lines that was and which bytes they span. `body` returns whether to go on; `false`
    /// stops after that line, which still counts. The file must be a regular file (byte ranges
    /// need seeking, and a size that every part agrees on).
    @inline(__always)
    static func forEachLine(path: String, in range: Range<Int>, chunkSize: Int = defaultChunkSize,
                            _ body: (inout ByteScanner, LineLocation) throws(InputError) -> Bool) throws(InputError) -> LineScan {
        let (descriptor, fileSize) = try openRegularFile(path: path)
        defer { close(descriptor) }
        return try scanLines(descriptor: descriptor, fileSize: fileSize, path: path, from: range.lowerBound,
                             before: range.upperBound, chunkSize: chunkSize, body)
    }

    /// Reads a regular file from its start until `body` returns false (the probes, which stop at
    /// the first data line or the size line); returns what was read and the file's size.
    @inline(__always)
    static func scanFromStart(path: String, chunkSize: Int,
                              _ body: (inout ByteScanner, LineLocation) throws(InputError) -> Bool) throws(InputError)
        -> (scan: LineScan, fileSize: Int) {
        let (descriptor, fileSize) = try openRegularFile(path: path)
        defer { close(descriptor) }
        let scan = try scanLines(descriptor: descriptor, fileSize: fileSize, path: path, from: 0, before: fileSize,
                                 chunkSize: chunkSize, body)
        return (scan, fileSize)
    }

    /// `openFile`, named for the byte-range readers, which need a regular file (seeking, and a
    /// size every part agrees on); every input is one now.
    static func openRegularFile(path: String) throws(InputError) -> (descriptor: Int32, size: Int) {
        try openFile(path: path)
    }

    /// `close(2)`, for files that have no C library import.
    static func closeFile(_ descriptor: Int32) {
        close(descriptor)
    }

    /// Bytes asked for per read once a range's end is passed, when only its last line is left.
    static let tailReadSize = 64 << 10

    /// The one line loop behind every reader. It hands out each line whose first byte lies in
    /// [lower, upper) (`upper == .max`: to the end of the file), reading on past `upper` to finish
    /// the line that holds byte upper - 1. With `lower > 0` it starts at byte lower - 1 and skips
    /// through the first `\n` from there: that byte is `\n` exactly when a line starts at `lower`,
    /// and otherwise the line under `lower` belongs to an earlier range. So ranges that tile a file
    /// hand out every line exactly once, whatever the split points (on a `\n`, just after one, or
    /// between the `\r` and `\n` of a CRLF). The byte order mark is part of line 1, which starts
    /// at offset 0. Reads are capped at `upper`, so a part costs its own bytes plus its last line,
    /// not a whole chunk.
    @inline(__always)
    static func scanLines(descriptor: Int32, fileSize: Int, path: String, from lower: Int, before upper: Int,
                          chunkSize: Int,
                          _ body: (inout ByteScanner, LineLocation) throws(InputError) -> Bool) throws(InputError) -> LineScan {
        if lower >= upper { return LineScan(lines: 0, bytes: lower..<lower) }
        var bufferOffset = lower       // file offset of buffer[0]
        var skipping = false           // discarding the line that holds byte lower - 1
        if lower > 0 {
            guard lseek(descriptor, off_t(lower - 1), SEEK_SET) == off_t(lower - 1) else {
                throw InputError(file: path, reason: "cannot seek: \(String(cString: strerror(errno)))")
            }
            bufferOffset = lower - 1
            skipping = true
        }
        let expected = upper != .max ? upper - bufferOffset : (fileSize > 0 ? fileSize - bufferOffset : chunkSize)
        // A small file needs no 32 MiB buffer; +1 so that a whole regular file ends in one chunk.
        var capacity = max(1, min(chunkSize, expected + 1))
        var buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        let rangeEnd = upper != .max ? upper : fileSize
        var carried = 0            // bytes of an unfinished line at the start of the buffer
        var lineNumber = 0
        var firstLine = lower      // file offset of the first line handed out (once skipping is done)
        var consumedEnd = lower    // file offset just past the last line handed out
        reading: while true {
            var want = capacity - carried
            if upper != .max {
                let readAt = bufferOffset + carried
                want = readAt < upper ? min(want, upper - readAt) : min(want, tailReadSize)
            }
            let got = try fill(descriptor, buffer + carried, want, path: path)
            let filled = carried + got
            let atEndOfFile = got < want
            var start = 0
            if skipping {
                guard let newline = memchr(buffer, Int32(ASCII.newline), filled) else {
                    bufferOffset += filled
                    if atEndOfFile {
                        firstLine = bufferOffset
                        consumedEnd = bufferOffset
                        break reading
                    }
                    carried = 0
                    continue
                }
                skipping = false
                start = buffer.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
                firstLine = bufferOffset + start
                consumedEnd = firstLine
                if firstLine >= upper { break reading }
            }
            var complete = filled      // bytes that form whole lines
            if !atEndOfFile {
                while complete > start && buffer[complete - 1] != ASCII.newline { complete -= 1 }
                if complete == start {     // no whole line in the buffer yet
                    if start > 0 {
                        memmove(buffer, buffer + start, filled - start)
                        bufferOffset += start
                        carried = filled - start
                    } else {
                        if filled == capacity {  // one line longer than the buffer: grow and read on
                            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
                            larger.update(from: buffer, count: filled)
                            buffer.deallocate()
                            buffer = larger
                            capacity *= 2
                        }
                        carried = filled
                    }
                    continue
                }
            }
            var byteOrderMark = false
            if bufferOffset == 0 && start == 0 && complete >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF {
                start = 3
                byteOrderMark = true
            }
            // Lines must start before `upper`: folded into the loop bound, so the check costs
            // nothing per line. The byte order mark belongs to line 1, which starts at offset 0
            // (so it is owned whenever upper > 0), and the next line starts at 4 at the earliest.
            // One `let` that is just `complete` for a whole-file read: a `var` here costs ~1%.
            let owned = upper == .max ? complete : min(complete, max(upper - bufferOffset, byteOrderMark ? 4 : 0))
            while start < owned {
                var stop: Int
                if let newline = memchr(buffer + start, Int32(ASCII.newline), complete - start) {
                    stop = buffer.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                } else {
                    stop = complete
                }
                let next = stop + 1
                if stop > start && buffer[stop - 1] == ASCII.carriageReturn { stop -= 1 }
                lineNumber += 1
                var scanner = ByteScanner(base: UnsafePointer(buffer), position: start, end: stop)
                let location = LineLocation(number: lineNumber, byteOffset: bufferOffset + start, rangeEnd: rangeEnd)
                let goOn = try body(&scanner, location)
                start = next
                if !goOn {
                    consumedEnd = bufferOffset + min(next, complete)
                    break reading
                }
            }
            if start < complete {          // the next line starts at or after `upper`
                consumedEnd = bufferOffset + start
                break
            }
            if atEndOfFile {
                consumedEnd = bufferOffset + complete
                break
            }
            carried = filled - complete
            if carried > 0 { memmove(buffer, buffer + complete, carried) }
            bufferOffset += complete
            if bufferOffset >= upper {     // the next line starts at or after the range's end
                consumedEnd = bufferOffset
                break
            }
        }
        return LineScan(lines: lineNumber, bytes: firstLine..<max(firstLine, consumedEnd))
    }
}

/// The state of a line-oriented format's parse (`EdgeListParser`, `MatrixMarketParser`), which
/// `ChunkedLineReader.parseWhole` feeds a whole file.
protocol WholeFileParse {
    init(file: String)
    mutating func consume(_ line: inout ByteScanner, at location: LineLocation) throws(InputError)
    func finish() throws(InputError) -> EdgeList
}
