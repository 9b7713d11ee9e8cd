/// The column layout of every table the commands print on stdout.
enum TableText {
    /// `s` left-aligned in `width` characters, always followed by at least one space.
    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }
}
