import Dispatch
import HummingbirdBcrypt

/// The console's admin password: checked against its bcrypt hash from the config, and hashed
/// for `rostersync token hash-password`. The hash is never shown.
public enum AdminPassword {
    /// Who a session signed in with the admin password is (it may do everything a write token may).
    static let callerName = "admin"
    /// The bcrypt cost of new hashes: 2^12 rounds, about a quarter of a second to check.
    public static let cost: UInt8 = 12
    /// The shortest password `hash(_:)` accepts.
    public static let minimumLength = 12

    /// Whether `password` matches `hash`. Bcrypt is slow on purpose, so it runs on a thread of
    /// its own and the server's other requests go on meanwhile.
    static func verify(_ password: String, hash: String) async -> Bool {
        guard !password.isEmpty else { return false }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: Bcrypt.verify(password, hash: hash)) }
        }
    }

    /// The bcrypt hash of `password` (salted; a new one each call), at `cost` (2^cost rounds).
    public static func hash(_ password: String, cost: UInt8 = cost) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    /// The config line that sets `hash` as the admin password, under `http:`.
    public static func configLine(_ hash: String) -> String {
        "admin_password: { bcrypt: \"\(hash)\" }"
    }
}
