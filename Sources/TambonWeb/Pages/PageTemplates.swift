import Mustache

/// The pages' Mustache templates: the `.mustache` files under `Templates/` (the shared layout, each service's
/// form and print-out, the citizen and staff pages), embedded in the binary by SwiftPM (`.embedInCode`), so an
/// office installs one file and nothing beside it.
/// Thai first, English second; `{{ }}` escapes HTML, so no value a citizen typed can become markup.
enum PageTemplates {
    static func library() throws -> MustacheLibrary {
        var library = MustacheLibrary()
        for (name, bytes) in files { try library.register(text(of: bytes), named: name) }
        for service in ServicePagesCatalog.all {
            for (name, bytes) in service.templates { try library.register(text(of: bytes), named: name) }
        }
        return library
    }

    /// Each template by the name pages render it by (its file's name; SwiftPM names the embedded bytes after the
    /// file alone, so no two files may share a name, whatever their folders).
    static let files: [String: [UInt8]] = [
        // Layout/
        "header": PackageResources.header_mustache, "footer": PackageResources.footer_mustache,
        "error": PackageResources.error_mustache,
        // Citizen/
        "home": PackageResources.home_mustache, "submitted": PackageResources.submitted_mustache,
        "track": PackageResources.track_mustache,
        // Each service's own (its form, panel and print-out) are listed by its `ServicePages`.
        // Staff/
        "login": PackageResources.login_mustache, "queue": PackageResources.queue_mustache,
        "application": PackageResources.application_mustache,
        // Fees/
        "fees": PackageResources.fees_mustache, "payers": PackageResources.payers_mustache, "payer": PackageResources.payer_mustache,
        "bill": PackageResources.bill_mustache, "bill_print": PackageResources.bill_print_mustache, "pay": PackageResources.pay_mustache,
        "receipts": PackageResources.receipts_mustache, "review": PackageResources.review_mustache,
        "fee_report": PackageResources.fee_report_mustache,
        // Letters/
        "letters": PackageResources.letters_mustache, "letter_compose": PackageResources.letter_compose_mustache,
        "letter": PackageResources.letter_mustache, "letter_in": PackageResources.letter_in_mustache,
        "registers": PackageResources.registers_mustache,
        // Phones/
        "phones": PackageResources.phones_mustache,
    ]

    /// A file's text without its final line break: files end with one, but a partial such as the header must not
    /// add it to the page around it.
    static func text(of bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }
}
