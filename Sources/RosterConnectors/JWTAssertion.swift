import Crypto
import Foundation
import _CryptoExtras

/// Builds the RS256-signed JWT a Google service account exchanges for an access token.
package enum JWTAssertion {
    /// Why an assertion could not be made; never carries key material.
    package struct Failure: Error {
        /// What to fix, without key material.
        package var message: String
    }

    /// `header.claims.signature`, base64url without padding, signed with `jwt.privateKey`.
    /// Claims: `iss`, `scope`, `aud`, `iat` = `now`, `exp` = `now + lifetime` (≤ 3600), and `sub` when set.
    package static func make(_ jwt: ResolvedJWT, now: Double) throws(Failure) -> String {
        let key: _RSA.Signing.PrivateKey
        do {
            key = try _RSA.Signing.PrivateKey(pemRepresentation: jwt.privateKey.revealForTransport())
        } catch {
            throw Failure(message: "private_key is not a PEM RSA private key; paste the service account's private_key, newlines included")
        }
        let issuedAt = Int(now)
        var claims: [(String, String)] = [
            ("iss", quoted(jwt.issuer)), ("scope", quoted(jwt.scope)), ("aud", quoted(jwt.audience)),
            ("iat", String(issuedAt)), ("exp", String(issuedAt + min(jwt.lifetimeSeconds, 3600))),
        ]
        if let subject = jwt.subject, !subject.isEmpty { claims.append(("sub", quoted(subject))) }
        let header = base64URL(Array(#"{"alg":"RS256","typ":"JWT"}"#.utf8))
        let payload = base64URL(Array(("{" + claims.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}").utf8))
        let signingInput = header + "." + payload
        do {
            let signature = try key.signature(for: Array(signingInput.utf8), padding: .insecurePKCS1v1_5)
            return signingInput + "." + base64URL(Array(signature.rawRepresentation))
        } catch {
            throw Failure(message: "could not sign the JWT with private_key; check it is an RSA key of 2048 bits or more")
        }
    }

    /// Base64url without padding (RFC 7515 §2).
    package static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Decodes base64url with or without padding.
    package static func decodeBase64URL(_ text: Substring) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map(Array.init)
    }

    private static func quoted(_ text: String) -> String {
        String(decoding: JSONBody.encode(.string(text)), as: UTF8.self)
    }
}
