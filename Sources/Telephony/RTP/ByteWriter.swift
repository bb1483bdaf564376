/// Big-endian appends to a byte array.
enum ByteWriter {
    static func u16(_ out: inout [UInt8], _ v: UInt16) { out += [UInt8(v >> 8), UInt8(v & 0xFF)] }
    static func u32(_ out: inout [UInt8], _ v: UInt32) {
        out += [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }
    static func u64(_ out: inout [UInt8], _ v: UInt64) { u32(&out, UInt32(v >> 32)); u32(&out, UInt32(v & 0xFFFF_FFFF)) }
}
