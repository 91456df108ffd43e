/// CRC-16/CCITT-FALSE (polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR): the checksum of an
/// EMVCo QR payload (tag 63). Not XMODEM, whose initial value is 0x0000. Check value of ASCII "123456789": 0x29B1.
public enum CRC16 {
    public static func ccittFalse<Bytes: Sequence>(_ bytes: Bytes) -> UInt16 where Bytes.Element == UInt8 {
        var crc: UInt16 = 0xFFFF
        for byte in bytes {
            crc ^= UInt16(byte) << 8
            for _ in 0..<8 {
                crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1
            }
        }
        return crc
    }

    /// The checksum as an EMVCo payload writes it: four upper-case hex digits, zero-padded.
    public static func hex(_ crc: UInt16) -> String {
        let digits = String(crc, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
