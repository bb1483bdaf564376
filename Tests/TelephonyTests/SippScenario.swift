/// sipp scenario XML for the calls the tests need, built from a few message shapes so each
/// scenario reads as its list of steps.
enum SippScenario {
    static func document(_ name: String, _ steps: [String]) -> String {
        """
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="\(name)">
        \(steps.joined(separator: "\n"))
        </scenario>
        """
    }

    /// An INVITE with a PCMU offer; `authenticated` adds sipp's `[authentication]` header (credentials from -au/-ap).
    static func invite(branch: Int, cseq: Int, authenticated: Bool = false) -> String {
        """
          <send retrans="500">
            <![CDATA[
              INVITE sip:agent@[remote_ip]:[remote_port] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK-ringside-[call_number]-\(branch)
              From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]
              To: <sip:agent@[remote_ip]:[remote_port]>
              Call-ID: [call_id]
              CSeq: \(cseq) INVITE
              Contact: sip:sipp@[local_ip]:[local_port];transport=[transport]
              Max-Forwards: 70\(authenticated ? "\n      [authentication]" : "")
              Content-Type: application/sdp
              Content-Length: [len]

              v=0
              o=sipp 1 1 IN IP[local_ip_type] [local_ip]
              s=-
              c=IN IP[media_ip_type] [media_ip]
              t=0 0
              m=audio [media_port] RTP/AVP 0
              a=rtpmap:0 PCMU/8000

            ]]>
          </send>
        """
    }

    /// ACK: for a final error response (same branch as its INVITE) or for a 2xx (a new branch).
    static func ack(branch: Int, cseq: Int) -> String {
        """
          <send>
            <![CDATA[
              ACK sip:agent@[remote_ip]:[remote_port] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK-ringside-[call_number]-\(branch)
              From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]
              To: <sip:agent@[remote_ip]:[remote_port]>[peer_tag_param]
              Call-ID: [call_id]
              CSeq: \(cseq) ACK
              Max-Forwards: 70
              Content-Length: 0

            ]]>
          </send>
        """
    }

    /// CANCEL of the INVITE sent with `branch` (CANCEL shares its branch and CSeq number).
    static func cancel(branch: Int) -> String {
        """
          <send>
            <![CDATA[
              CANCEL sip:agent@[remote_ip]:[remote_port] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK-ringside-[call_number]-\(branch)
              From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]
              To: <sip:agent@[remote_ip]:[remote_port]>
              Call-ID: [call_id]
              CSeq: 1 CANCEL
              Max-Forwards: 70
              Content-Length: 0

            ]]>
          </send>
        """
    }

    static func receive(_ status: Int, optional: Bool = false, challenge: Bool = false) -> String {
        "  <recv response=\"\(status)\"\(optional ? " optional=\"true\"" : "")\(challenge ? " auth=\"true\"" : "")/>"
    }

    /// Waits for the far end's BYE and answers it 200 OK.
    static let answerBye = """
          <recv request="BYE"/>
          <send>
            <![CDATA[
              SIP/2.0 200 OK
              [last_Via:]
              [last_From:]
              [last_To:]
              [last_Call-ID:]
              [last_CSeq:]
              Content-Length: 0

            ]]>
          </send>
        """

    /// INVITE → 403 → ACK: a caller turned away.
    static let forbidden = document("INVITE refused with 403", [invite(branch: 1, cseq: 1), receive(100, optional: true), receive(403), ack(branch: 1, cseq: 1)])

    /// INVITE → 401 → INVITE with credentials → `final`; then (when 200) ACK and wait for the far end's BYE.
    static func authenticated(expecting final: Int) -> String {
        var steps = [invite(branch: 1, cseq: 1), receive(100, optional: true), receive(401, challenge: true), ack(branch: 1, cseq: 1),
                     invite(branch: 2, cseq: 2, authenticated: true), receive(100, optional: true)]
        if final == 200 {
            steps += [receive(180, optional: true), receive(200), ack(branch: 3, cseq: 2), answerBye]
        } else {
            steps += [receive(final), ack(branch: 2, cseq: 2)]
        }
        return document("INVITE with digest credentials, expecting \(final)", steps)
    }
}
