/// What may be attached to an application: PDF documents and JPEG or PNG photos and scans, recognised by their
/// first bytes (never by the name or the type a browser claims), up to 20 MiB each.
public enum AttachmentPolicy {
    public static let maximumBytes = 20 << 20

    /// The kinds an attachment is filed under.
    public static let kinds: [String: String] = ["plan": "แบบแปลน", "photo": "ภาพถ่าย", "document": "เอกสาร"]

    static let signatures: [(type: String, magic: [UInt8])] = [
        ("application/pdf", Array("%PDF-".utf8)),
        ("image/jpeg", [0xFF, 0xD8, 0xFF]),
        ("image/png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
    ]

    /// The media type `bytes` prove by their first bytes (PDF, JPEG or PNG), or nil: what a file is served as,
    /// whatever type a record claims for it.
    public static func provenType(of bytes: [UInt8]) -> String? {
        signatures.first { bytes.starts(with: $0.magic) }?.type
    }

    /// The media type of an acceptable file; a clear refusal otherwise.
    public static func check(_ bytes: [UInt8], name: String, kind: String) throws(FieldError) -> String {
        guard !bytes.isEmpty else { throw FieldError("file", th: "ไฟล์ว่างเปล่า", en: "the file is empty") }
        guard bytes.count <= maximumBytes else {
            throw FieldError("file", th: "ไฟล์ใหญ่เกิน 20 MB", en: "the file is larger than 20 MiB")
        }
        guard kinds[kind] != nil else {
            throw FieldError("kind", th: "ประเภทไฟล์แนบต้องเป็น แบบแปลน ภาพถ่าย หรือเอกสาร", en: "kind must be plan, photo or document")
        }
        guard !name.isEmpty, name.count <= 200, !name.contains("/"), !name.contains("\\"), !name.contains(where: \.isNewline) else {
            throw FieldError("name", th: "ชื่อไฟล์ไม่ถูกต้อง", en: "the file name must be 1–200 characters without slashes or line breaks")
        }
        guard let type = provenType(of: bytes) else {
            throw FieldError("file", th: "รับเฉพาะไฟล์ PDF, JPEG หรือ PNG", en: "only PDF, JPEG or PNG files are accepted")
        }
        return type
    }
}
