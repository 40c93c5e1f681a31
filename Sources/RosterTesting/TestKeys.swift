import _CryptoExtras

/// An RSA key pair generated at runtime for JWT tests (no key material is committed).
public enum TestKeys {
    /// A 2048-bit service-account key, generated once per process.
    public static let serviceAccount: (privatePEM: String, publicPEM: String) = {
        // Generation only fails if BoringSSL cannot allocate, which no test can recover from.
        let key = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
        return (key.pemRepresentation, key.publicKey.pemRepresentation)
    }()
}
