/// Text from files and paths made safe to print: every error message passes through here before
/// it reaches a terminal, so an input file cannot send escape sequences (ESC, BEL, C1 controls
/// such as CSI) that retitle, recolour or rewrite the user's terminal, and binary bytes show as
/// `\xNN` instead of replacement characters.
///
/// It lives in NpyFormat because that is the one module below every reader and the CLI.
public enum TerminalSafeText {
    /// `text` with every control character escaped: `\n`, `\r`, `\t`, `\e` (ESC), `\xNN` for the
    /// other C0 bytes and DEL, `\u{NN}` for C1 controls (U+0080...U+009F) and the bidirectional
    /// overrides that could reorder what the user reads. A backslash is kept as it is.
    /// `keepNewlines` leaves `\n` alone (a message that is several lines on purpose).
    public static func escaping(_ text: String, keepNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0, keepNewlines: keepNewlines) }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if needsEscape(scalar, keepNewlines: keepNewlines) {
                out += escape(scalar)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Raw bytes (a token of an input line) as printable text: valid UTF-8 is kept except for
    /// control characters, which are escaped as by `escaping(_:)`; each byte of invalid UTF-8 is
    /// `\xNN`.
    public static func escaping(bytes: some Collection<UInt8>) -> String {
        let array = Array(bytes)
        var out = ""
        var i = 0
        while i < array.count {
            let length = validSequenceLength(array, at: i)
            if length == 0 {
                out += hex(array[i])
                i += 1
                continue
            }
            out += escaping(String(decoding: array[i..<(i + length)], as: UTF8.self))
            i += length
        }
        return out
    }

    private static func needsEscape(_ s: Unicode.Scalar, keepNewlines: Bool) -> Bool {
        let v = s.value
        if v == 0x0A { return !keepNewlines }
        return v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v)
            || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F
    }

    private static func escape(_ s: Unicode.Scalar) -> String {
        switch s.value {
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case 0x1B: return "\\e"
        case let v where v < 0x80: return hex(UInt8(v))
        case let v: return "\\u{" + String(v, radix: 16, uppercase: true) + "}"
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "\\x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 15)])
    }

    /// Length of the well-formed UTF-8 sequence starting at `i` (1...4), or 0 if it is not one
    /// (stray continuation byte, overlong form, surrogate, beyond U+10FFFF, cut short).
    private static func validSequenceLength(_ b: [UInt8], at i: Int) -> Int {
        let lead = b[i]
        if lead < 0x80 { return 1 }
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return 0
        }
        guard i + length <= b.count else { return 0 }
        guard (low...high).contains(b[i + 1]) else { return 0 }
        for k in 2..<length where !(0x80...0xBF).contains(b[i + k]) { return 0 }
        return length
    }
}
