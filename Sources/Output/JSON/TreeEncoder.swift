/// An `Encoder` that builds a `JSONValue` tree, keeping each number's Swift type (see `JSONText`).
/// Containers share their node by reference, as Codable's nested containers require.
final class JSONNode {
    private enum Content { case unset, scalar(JSONValue), object([String: JSONNode]), array([JSONNode]) }
    private var content = Content.unset

    var value: JSONValue {
        switch content {
        case .unset: return .object([:])
        case .scalar(let v): return v
        case .object(let members): return .object(members.mapValues(\.value))
        case .array(let items): return .array(items.map(\.value))
        }
    }

    func set(_ v: JSONValue) { content = .scalar(v) }

    /// The child under `key`, making this node an object if it is not one yet.
    func member(_ key: String) -> JSONNode {
        var members: [String: JSONNode] = [:]
        if case .object(let m) = content { members = m }
        content = .unset  // so `members` is uniquely referenced and the insertion does not copy
        let child = JSONNode()
        members[key] = child
        content = .object(members)
        return child
    }

    func makeObject() { if case .object = content {} else { content = .object([:]) } }
    func makeArray() { if case .array = content {} else { content = .array([]) } }

    /// A new last element, making this node an array if it is not one yet.
    func append() -> JSONNode {
        var items: [JSONNode] = []
        if case .array(let a) = content { items = a }
        content = .unset  // so `items` is uniquely referenced and the append does not copy
        let child = JSONNode()
        items.append(child)
        content = .array(items)
        return child
    }

    var count: Int { if case .array(let a) = content { return a.count }; return 0 }
}

struct TreeEncoder: Encoder {
    let node: JSONNode
    let codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeObject()
        return KeyedEncodingContainer(KeyedTree<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        node.makeArray()
        return UnkeyedTree(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> SingleValueEncodingContainer { SingleTree(node: node, codingPath: codingPath) }
}

/// The report key of a Swift name: the one key strategy of every report, so a property
/// `maxResidual` is written `max_residual` without a hand-written `CodingKeys` case. Keys that are
/// not the plain snake_case of their property keep an explicit raw value (`krylovDimension = "ncv"`),
/// which passes through unchanged because it has no capital letter.
func snakeCase(_ name: String) -> String {
    var out = ""
    for c in name {
        if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) }
    }
    return out
}

/// A dictionary's keys are data (operator symbols such as `A_n`, loss and phase names), not Swift
/// names: they are written as they are, never through `snakeCase`.
private protocol DataKeyedDictionary {
    func encodeEntries(into node: JSONNode, codingPath: [CodingKey]) throws
}

extension Dictionary: DataKeyedDictionary where Key == String, Value: Encodable {
    fileprivate func encodeEntries(into node: JSONNode, codingPath: [CodingKey]) throws {
        node.makeObject()
        for (key, value) in self { try scalar(value, into: node.member(key), codingPath: codingPath) }
    }
}

/// The typed scalars every container writes the same way.
private func scalar<T: Encodable>(_ value: T, into node: JSONNode, codingPath: [CodingKey]) throws {
    switch value {
    case let v as any DataKeyedDictionary: try v.encodeEntries(into: node, codingPath: codingPath)
    case let v as Double: node.set(.double(v))
    case let v as Float: node.set(.float(v))
    case let v as Bool: node.set(.bool(v))
    case let v as String: node.set(.string(v))
    case let v as any BinaryInteger: node.set(.number("\(v)"))
    default: try value.encode(to: TreeEncoder(node: node, codingPath: codingPath))
    }
}

private struct SingleTree: SingleValueEncodingContainer {
    let node: JSONNode
    let codingPath: [CodingKey]
    mutating func encodeNil() throws { node.set(.null) }
    mutating func encode<T: Encodable>(_ value: T) throws { try scalar(value, into: node, codingPath: codingPath) }
}

private struct KeyedTree<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: JSONNode
    let codingPath: [CodingKey]

    private func member(_ key: Key) -> JSONNode { node.member(snakeCase(key.stringValue)) }

    mutating func encodeNil(forKey key: Key) throws { member(key).set(.null) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try scalar(value, into: member(key), codingPath: codingPath + [key])
    }
    mutating func encode(_ value: Bool, forKey key: Key) throws { member(key).set(.bool(value)) }
    mutating func encode(_ value: String, forKey key: Key) throws { member(key).set(.string(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { member(key).set(.double(value)) }
    mutating func encode(_ value: Float, forKey key: Key) throws { member(key).set(.float(value)) }
    mutating func encode(_ value: Int, forKey key: Key) throws { member(key).set(.number("\(value)")) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { member(key).set(.number("\(value)")) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { member(key).set(.number("\(value)")) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = member(key)
        child.makeObject()
        return KeyedEncodingContainer(KeyedTree<NestedKey>(node: child, codingPath: codingPath + [key]))
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
        let child = member(key)
        child.makeArray()
        return UnkeyedTree(node: child, codingPath: codingPath + [key])
    }
    mutating func superEncoder() -> Encoder { TreeEncoder(node: node.member("super"), codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> Encoder {
        TreeEncoder(node: member(key), codingPath: codingPath + [key])
    }
}

private struct UnkeyedTree: UnkeyedEncodingContainer {
    let node: JSONNode
    let codingPath: [CodingKey]
    var count: Int { node.count }

    mutating func encodeNil() throws { node.append().set(.null) }
    mutating func encode<T: Encodable>(_ value: T) throws { try scalar(value, into: node.append(), codingPath: codingPath) }
    mutating func encode(_ value: Bool) throws { node.append().set(.bool(value)) }
    mutating func encode(_ value: String) throws { node.append().set(.string(value)) }
    mutating func encode(_ value: Double) throws { node.append().set(.double(value)) }
    mutating func encode(_ value: Float) throws { node.append().set(.float(value)) }
    mutating func encode(_ value: Int) throws { node.append().set(.number("\(value)")) }
    mutating func encode(_ value: Int64) throws { node.append().set(.number("\(value)")) }
    mutating func encode(_ value: UInt64) throws { node.append().set(.number("\(value)")) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = node.append()
        child.makeObject()
        return KeyedEncodingContainer(KeyedTree<NestedKey>(node: child, codingPath: codingPath))
    }
    mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
        let child = node.append()
        child.makeArray()
        return UnkeyedTree(node: child, codingPath: codingPath)
    }
    mutating func superEncoder() -> Encoder { TreeEncoder(node: node.append(), codingPath: codingPath) }
}
