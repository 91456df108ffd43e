import TambonCore

/// Where e-Saraban keeps a letter and the answers to it (SPEC §15, README "e-Saraban"). Every id starts with the
/// office that writes it, so the authority rules need nothing new:
///
/// - `letters/<sender>.<letter>`, scope `[sender]`: the sender's letter — the draft, its approval, its number.
/// - `letter_copies/<sender>.<letter>.<receiver>`, scope `[sender, receiver]`: what one receiver gets. One record
///   per receiver keeps a circular to hundreds of offices at two feed rows a copy (SPEC §6.2), shows each receiver
///   nothing of the others, and makes sending again write the same records: one register entry at each receiver.
/// - `letter_receipts/<receiver>.<sender>.<letter>`, scope `[receiver, sender]`: the receiver's answer — its
///   incoming register number and time, then acceptance (with that number) or rejection (with a reason).
public enum LetterRecords {
    public static let letters = "letters"
    public static let copies = "letter_copies"
    public static let receipts = "letter_receipts"
    /// `letter_minutes/<office>.<sender>.<letter>`, scope `[office]`: the routing inside the receiving office
    /// (เกษียนหนังสือ), which the sender never sees.
    public static let minutes = "letter_minutes"
    /// `letter_reads/<office>.<sender>.<letter>`, scope `[office]`: who read a restricted letter's content, and when.
    public static let reads = "letter_reads"
    /// Number-register series: outgoing and incoming, each per office and calendar year (Buddhist Era).
    public static let outgoingSeries = "letters-out"
    public static let incomingSeries = "letters-in"

    public static func letterID(sender: String, letter: String) -> String { "\(sender).\(letter)" }
    public static func copyID(sender: String, letter: String, receiver: String) -> String { "\(sender).\(letter).\(receiver)" }
    public static func receiptID(receiver: String, sender: String, letter: String) -> String { "\(receiver).\(sender).\(letter)" }
}
