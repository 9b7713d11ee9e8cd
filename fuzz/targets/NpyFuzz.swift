import NpyFormat

// The .npy header parser and both readers. Oracle: when the whole-array reader and the row
// reader both accept a 1-D or 2-D array, rows 0..<N read by rows equal the whole array's values
// (bit for bit, so NaNs compare too).
let scratchName = "array.npy"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNpy(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    writeScratch(data, size)
    _ = try? NpyHeader.parse(Array(UnsafeBufferPointer(start: data, count: size)), file: scratchPath)
    let whole = try? NpyArray.read(path: scratchPath)
    guard let reader = try? NpyRowReader(path: scratchPath) else {
        oracle(whole == nil, "NpyArray read a file that NpyRowReader refuses")
        return 0
    }
    guard let whole, reader.header.shape.count <= 2 else { return 0 }
    oracle(whole.rows == reader.rows && whole.columns == reader.columns, "shapes differ")
    guard let rows = try? reader.readRows(0..<reader.rows) else {
        oracle(false, "NpyRowReader cannot read the rows NpyArray read")
        return 0
    }
    oracle(rows.map(\.bitPattern) == whole.doubles.map(\.bitPattern), "row values differ from the whole array")
    if reader.rows > 2 {
        let picked = try? reader.readRows([reader.rows - 1, 0, 1], maxGap: 0)
        let c = reader.columns
        let expected = Array(whole.doubles[((reader.rows - 1) * c)..<(reader.rows * c)] + whole.doubles[0..<(2 * c)])
        oracle(picked?.map(\.bitPattern) == expected.map(\.bitPattern), "scattered rows differ")
    }
    return 0
}
