internal import CSofiaSip

/// The sofia-sip library that carries Ringside's SIP signalling.
public enum SofiaSIP {
    public static var version: String { String(cString: rs_sofia_version()) }
}
