/// The header line of a CSV/TSV edge list (what `pandas.DataFrame.to_csv(index=False)` writes,
/// e.g. `source,target,weight`): the first line that is neither blank nor a comment, when every
/// one of its 2 or 3 fields is a name rather than a number (a field is a number when it starts
/// with a digit, a sign or a dot). Such a line is skipped; one whose fields are partly numbers
/// stays a data line and gets the usual field errors, so a typo is never skipped silently.
enum EdgeListHeader {
    /// The header's field count, or nil when `line` (at its first non-blank byte) is not a header.
    /// Throws for a header that starts with an empty name: pandas' index column, whose values
    /// would be read as node IDs.
    static func fieldCount(_ line: ByteScanner, file: String, at location: LineLocation) throws(InputError) -> Int? {
        var scan = line
        let leadingComma = !scan.isAtEnd && scan.current == ASCII.comma
        var fields = 0
        while true {
            while !scan.isAtEnd && ByteScanner.isDelimiter(scan.current) { scan.position += 1 }
            if scan.isAtEnd { break }
            let first = scan.current
            if (first >= ASCII.zero && first <= ASCII.zero + 9) || first == ASCII.plus || first == ASCII.minus
                || first == ASCII.dot {
                return nil
            }
            scan.skipToken()
            fields += 1
        }
        guard fields == 2 || fields == 3 || leadingComma && fields >= 2 else { return nil }
        if leadingComma {
            throw InputError(file: file, line: location.number,
                             reason: "header line starts with an empty column name (a pandas index column): "
                                 + "write the file with to_csv(..., index=False)")
        }
        return fields
    }

    /// The check that the header names as many columns as the data lines have.
    static func check(headerFields: Int, headerLine: Int, dataFields: Int, file: String,
                      at location: LineLocation) throws(InputError) {
        guard headerFields == dataFields else {
            throw InputError(file: file, line: location.number,
                             reason: "expected \(headerFields) fields as named by the header on line \(headerLine), found \(dataFields)")
        }
    }
}
