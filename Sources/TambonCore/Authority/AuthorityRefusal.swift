/// Why the authority rules refuse a change (SPEC §15). The change is authentic, but its writer may not make it.
public struct AuthorityRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable, CaseIterable {
        /// No roster entry names the writer: a replica holds the change, inert, until the hub's entry arrives.
        case unknownWriter = "unknown_writer"
        /// The writer was revoked before it made this change.
        case revokedWriter = "revoked_writer"
        /// A hub-only collection, a record the hub owns, or the hub's scope.
        case hubOnly = "hub_only"
        /// The record belongs to another office (its id's office part names it).
        case notOwner = "not_owner"
        /// The change's scope leaves out the record's owner.
        case ownerNotInScope = "owner_not_in_scope"
        /// Staff accounts, settings and number registers are written by the office node only.
        case officeNodeOnly = "office_node_only"
        /// A survey node wrote beyond field work (a register, a decision, an official's role).
        case surveyNotAllowed = "survey_not_allowed"
        /// The hub would have to route more feed rows for this one change than it allows (SPEC §6.2): a record with
        /// a long history made to join many offices at once. Judged by the hub alone, from what it holds.
        case feedLimit = "feed_limit"
    }

    public let reason: Reason
    /// What exactly, in English, naming the record.
    public let message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var code: String { reason.rawValue }

    public var description: String { message }

    /// The reason in Thai, for the staff pages.
    public var thai: String {
        switch reason {
        case .unknownWriter: "ยังไม่รู้จักเครื่องที่เขียนข้อมูลนี้ (รอรายชื่อเครื่องจากศูนย์กลาง)"
        case .revokedWriter: "เครื่องที่เขียนข้อมูลนี้ถูกเพิกถอนสิทธิ์แล้ว"
        case .hubOnly: "ข้อมูลนี้แก้ไขได้เฉพาะศูนย์กลาง"
        case .notOwner: "ข้อมูลนี้เป็นของสำนักงานอื่น แก้ไขไม่ได้"
        case .ownerNotInScope: "ข้อมูลต้องอยู่ในขอบเขตของสำนักงานเจ้าของ"
        case .feedLimit: "การเปลี่ยนแปลงนี้ต้องส่งต่อไปยังสำนักงานอื่นมากเกินกำหนด (ขยายขอบเขตของข้อมูลที่มีประวัติยาวไปหลายสำนักงานพร้อมกัน)"
        case .officeNodeOnly: "บัญชีผู้ใช้ ค่าตั้ง และทะเบียนเลขที่ แก้ไขได้เฉพาะที่เครื่องหลักของสำนักงาน"
        case .surveyNotAllowed: "เครื่องสำรวจบันทึกได้เฉพาะผลการตรวจ รูปถ่าย และบันทึกภาคสนาม"
        }
    }
}

extension AuthorityRefusal: TambonErrorConvertible {
    public var tambonError: TambonError {
        TambonError(.forbidden, TambonError.Code(code), message, thai: thai)
    }
}
