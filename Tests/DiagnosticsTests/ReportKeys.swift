import Foundation
import Output

/// A diagnostics value as report.json holds it: written by Output's `JSONText` (whose key strategy
/// gives the snake_case keys) and parsed back by Foundation, an independent reader.
func reportObject<T: Encodable>(_ value: T) throws -> [String: Any]? {
    try JSONSerialization.jsonObject(with: Data(JSONText.encode(value).utf8)) as? [String: Any]
}
