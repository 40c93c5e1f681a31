import RosterCore

/// The email keys (``EmailKey``) of a ``RosterIndex``'s users, packed in one byte buffer: each key
/// is kept as the part before its last `@` and the number of its domain, and each domain once
/// (a roster has a handful), which takes about 21 bytes for a 31-byte email.
///
/// A key is named by its id: its offset in the buffer + 1, so 0 names none.
struct EmailKeyStore: Sendable {
    /// Per key: the LEB128 length of the part before the `@`, that part, then the LEB128 number
    /// of the domain (0 when the key has no `@`).
    private var keys: [UInt8] = []
    /// Per domain: its LEB128 length, then the domain.
    private var domains: [UInt8] = []
    /// Offset in `domains` of domain number n + 1, at n.
    private var domainStarts: [Int] = []
    /// Domain numbers by ``StableHash`` of the domain; equal hashes are confirmed on the bytes.
    private var domainNumbers = OpenTable<UInt64, UInt32>(capacity: 16, filler: 0)
    /// The domain numbered last: most keys in a row share it, and comparing it costs less than hashing.
    private var lastDomain: UInt32 = 0

    /// Room for about `capacity` keys: untouched capacity costs address space, not memory.
    init(capacity: Int) {
        keys.reserveCapacity(capacity * 24)
    }

    /// Adds the key of the email whose UTF-8 bytes are `email` (any casing). - Returns: its id.
    mutating func append(email: UnsafeBufferPointer<UInt8>) -> UInt32 {
        guard Self.isASCII(email) else {
            var key = EmailKey.of(String(decoding: email, as: UTF8.self))
            return key.withUTF8 { append($0, lowercasing: false) }
        }
        return append(email, lowercasing: true)
    }

    /// Adds `key`, an email key as a store keeps it (``EmailKey/of(_:)``, so nothing is left to
    /// lower-case). - Returns: its id.
    mutating func append(key: UnsafeBufferPointer<UInt8>) -> UInt32 {
        append(key, lowercasing: false)
    }

    /// Whether the email whose UTF-8 bytes are `email` (any casing) has the key `id`.
    func matches(_ id: UInt32, email: UnsafeBufferPointer<UInt8>) -> Bool {
        guard Self.isASCII(email) else {
            var key = EmailKey.of(String(decoding: email, as: UTF8.self))
            return key.withUTF8 { matchesLowercasingASCII(id, $0) }
        }
        return matchesLowercasingASCII(id, email)
    }

    /// The key `id` as text.
    func key(_ id: UInt32) -> String {
        keys.withUnsafeBufferPointer { keys in
            domains.withUnsafeBufferPointer { domains in
                let (local, domain) = parts(of: id, keys, domains)
                var key = [UInt8](local)
                if let domain {
                    key.append(UInt8(ascii: "@"))
                    key.append(contentsOf: domain)
                }
                return String(decoding: key, as: UTF8.self)
            }
        }
    }

    /// Appends `email`, whose non-ASCII characters are already lower-cased, lower-casing its
    /// ASCII letters when `lowercasing`.
    private mutating func append(_ email: UnsafeBufferPointer<UInt8>, lowercasing: Bool) -> UInt32 {
        let id = keys.count + 1
        precondition(id < Int(UInt32.max), "more email keys than an index can address")
        let at = email.lastIndex(of: UInt8(ascii: "@"))
        let local = UnsafeBufferPointer(rebasing: email[..<(at ?? email.endIndex)])
        Self.appendLength(local.count, to: &keys)
        if lowercasing {
            for byte in local { keys.append(Self.lowercasedASCII(byte)) }
        } else {
            keys.append(contentsOf: local)
        }
        let domain = at.map { domainNumber(UnsafeBufferPointer(rebasing: email[($0 + 1)...])) } ?? 0
        Self.appendLength(Int(domain), to: &keys)
        return UInt32(id)
    }

    /// The number of `domain` (any ASCII casing), numbering it if it is new.
    private mutating func domainNumber(_ domain: UnsafeBufferPointer<UInt8>) -> UInt32 {
        if lastDomain != 0, domains.withUnsafeBufferPointer({ Self.equalLowercasingASCII(domain, domainText(lastDomain, $0)) }) {
            return lastDomain
        }
        lastDomain = lookUpDomain(domain)
        return lastDomain
    }

    private mutating func lookUpDomain(_ domain: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var hash = StableHash()
        hash.combineLowercased(bytes: domain)
        let slot = domains.withUnsafeBufferPointer { domains in
            domainNumbers.slot(of: hash.value) { Self.equalLowercasingASCII(domain, domainText($0, domains)) }
        }
        if domainNumbers.isOccupied(slot) { return domainNumbers[slot] }
        domainStarts.append(domains.count)
        Self.appendLength(domain.count, to: &domains)
        for byte in domain { domains.append(Self.lowercasedASCII(byte)) }
        let number = UInt32(domainStarts.count)
        domainNumbers.insert(hash.value, number)
        return number
    }

    private func matchesLowercasingASCII(_ id: UInt32, _ email: UnsafeBufferPointer<UInt8>) -> Bool {
        keys.withUnsafeBufferPointer { keys in
            domains.withUnsafeBufferPointer { domains in
                let (local, domain) = parts(of: id, keys, domains)
                guard let domain else { return Self.equalLowercasingASCII(email, local) }
                let at = local.count
                return email.count == at + 1 + domain.count && email[at] == UInt8(ascii: "@")
                    && Self.equalLowercasingASCII(UnsafeBufferPointer(rebasing: email[..<at]), local)
                    && Self.equalLowercasingASCII(UnsafeBufferPointer(rebasing: email[(at + 1)...]), domain)
            }
        }
    }

    /// The part before the `@` of key `id` and its domain (`nil` when the key has no `@`).
    private func parts(of id: UInt32, _ keys: UnsafeBufferPointer<UInt8>, _ domains: UnsafeBufferPointer<UInt8>)
        -> (local: UnsafeBufferPointer<UInt8>, domain: UnsafeBufferPointer<UInt8>?)
    {
        var offset = Int(id) - 1
        let length = Self.readLength(keys, &offset)
        let local = UnsafeBufferPointer(rebasing: keys[offset..<offset + length])
        offset += length
        let domain = Self.readLength(keys, &offset)
        return (local, domain == 0 ? nil : domainText(UInt32(domain), domains))
    }

    private func domainText(_ number: UInt32, _ domains: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var offset = domainStarts[Int(number) - 1]
        let length = Self.readLength(domains, &offset)
        return UnsafeBufferPointer(rebasing: domains[offset..<offset + length])
    }

    private static func appendLength(_ length: Int, to bytes: inout [UInt8]) {
        var length = length
        while length >= 0x80 {
            bytes.append(UInt8(length & 0x7F) | 0x80)
            length >>= 7
        }
        bytes.append(UInt8(length))
    }

    private static func readLength(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: inout Int) -> Int {
        var length = 0, shift = 0
        while true {
            let byte = bytes[offset]
            offset += 1
            length |= Int(byte & 0x7F) << shift
            guard byte >= 0x80 else { return length }
            shift += 7
        }
    }

    /// Whether `text` with ASCII letters lower-cased is `lowercased`.
    private static func equalLowercasingASCII(_ text: UnsafeBufferPointer<UInt8>, _ lowercased: UnsafeBufferPointer<UInt8>) -> Bool {
        guard text.count == lowercased.count else { return false }
        for offset in 0..<text.count where lowercasedASCII(text[offset]) != lowercased[offset] { return false }
        return true
    }

    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool { bytes.reduce(0, |) < 0x80 }

    private static func lowercasedASCII(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
