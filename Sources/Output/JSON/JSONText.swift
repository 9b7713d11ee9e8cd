/// The JSON text of every report: pretty-printed, keys sorted, and numbers written by their
/// Swift type, not by their value. Foundation's JSONEncoder writes the Double 2.0 as `2`, so a
/// reader (or a JSON Schema "number" vs "integer" check) cannot tell a float from a count; here
/// a Double is always written with a fraction or an exponent (`2.0`, `1e-10`), an integer type
/// never. Non-finite doubles are written as the strings "inf", "-inf" and "nan" (JSON has no
/// literal for them; docs/report.schema.json allows exactly these strings where a float may be
/// non-finite).
public enum JSONText {
    /// `value` as UTF-8 JSON text ending in a newline.
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let root = JSONNode()
        try value.encode(to: TreeEncoder(node: root, codingPath: []))
        var out = ""
        root.value.write(to: &out, indent: "")
        return out + "\n"
    }
}

/// A JSON value with each number already rendered to its final text.
enum JSONValue {
    case null
    case bool(Bool)
    case string(String)
    /// The number's JSON text (integer or float form, decided by the encoded Swift type).
    case number(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// A Double's JSON form: Swift's shortest round-trip text, which always has a `.` or an
    /// exponent (`2.0`, `0.1`, `1e-10`, `1e+16`).
    static func double(_ v: Double) -> JSONValue {
        if v.isNaN { return .string("nan") }
        if v.isInfinite { return .string(v < 0 ? "-inf" : "inf") }
        return .number("\(v)")
    }

    static func float(_ v: Float) -> JSONValue {
        if v.isNaN { return .string("nan") }
        if v.isInfinite { return .string(v < 0 ? "-inf" : "inf") }
        return .number("\(v)")
    }

    func write(to out: inout String, indent: String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let text): out += text
        case .string(let s): Self.quote(s, to: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            let inner = indent + "  "
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += inner
                item.write(to: &out, indent: inner)
                out += i + 1 < items.count ? ",\n" : "\n"
            }
            out += indent + "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            let inner = indent + "  "
            let keys = members.keys.sorted()
            out += "{\n"
            for (i, key) in keys.enumerated() {
                out += inner
                Self.quote(key, to: &out)
                out += " : "
                members[key]!.write(to: &out, indent: inner)
                out += i + 1 < keys.count ? ",\n" : "\n"
            }
            out += indent + "}"
        }
    }

    /// RFC 8259 string escaping: quote, backslash and every control character.
    private static func quote(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
