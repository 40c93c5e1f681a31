import _CryptoExtras

/// RSA key pairs generated at runtime for JWT tests (no key material is committed).
public enum TestKeys {
    /// The service-account key the Google mock trusts, generated once per process.
    public static let serviceAccount = makeKeyPair()

    /// A fresh 2048-bit key pair as PEM text.
    public static func makeKeyPair() -> (privatePEM: String, publicPEM: String) {
        // Generation only fails if BoringSSL cannot allocate, which no test can recover from.
        let key = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
        return (key.pemRepresentation, key.publicKey.pemRepresentation)
    }
}
