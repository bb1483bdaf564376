/// What the user agent does with a new incoming INVITE, decided by the incoming-call policy.
public enum IncomingCallDecision: Sendable, Equatable {
    /// Answer at once with this SDP (200 OK, after 180 Ringing).
    case answer(sdp: String)
    /// Send 180 Ringing and wait for `SIPUserAgent.answer` or `hangUp`.
    case ring
    /// Refuse with a final status, e.g. 486 Busy Here or 488 Not Acceptable Here, with extra header lines
    /// ("Warning: 304 ringside \"…\"", "Retry-After: 30").
    case reject(status: Int, phrase: String, headers: [String] = [])
}
