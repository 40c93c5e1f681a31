import Dispatch
import Synchronization

/// Elements handed from a producer on a blocking thread (a file read, a SQLite scan) to an async
/// consumer, at most `depth` ahead: memory stays bounded however far the consumer falls behind,
/// and the producer learns as soon as the consumer is gone (dropped or cancelled) and stops.
///
/// Producer: ``waitForRoom()``, then ``yield(_:)``; ``finish(throwing:)`` at the end.
/// Consumer: iterate the elements ``make(depth:)`` returned and call ``taken()`` after each. The
/// hand-off does not keep the elements alive: dropping them is how the consumer says it is gone.
public final class BoundedHandOff<Element: Sendable>: Sendable {
    private let continuation: AsyncThrowingStream<Element, any Error>.Continuation
    private let room: DispatchSemaphore
    private let consumer: ConsumerState

    /// A hand-off `depth` elements deep, and the elements its consumer iterates.
    public static func make(depth: Int) -> (handOff: BoundedHandOff, elements: AsyncThrowingStream<Element, any Error>) {
        let (elements, continuation) = AsyncThrowingStream<Element, any Error>.makeStream()
        return (BoundedHandOff(continuation: continuation, depth: depth), elements)
    }

    private init(continuation: AsyncThrowingStream<Element, any Error>.Continuation, depth: Int) {
        self.continuation = continuation
        // Created at 0 and raised to `depth`: libdispatch traps when a semaphore is freed below
        // the value it was created with, which a consumer that stops early would leave it at.
        let room = DispatchSemaphore(value: 0)
        for _ in 0..<depth { room.signal() }
        let consumer = ConsumerState()
        continuation.onTermination = { _ in
            consumer.gone.store(true, ordering: .relaxed)
            room.signal()
        }
        self.room = room
        self.consumer = consumer
    }

    /// Blocks the producer until the consumer has room for one more element.
    /// - Returns: `false` when the consumer is gone: produce nothing more.
    public func waitForRoom() -> Bool {
        room.wait()
        return !consumer.gone.load(ordering: .relaxed)
    }

    /// Hands `element` over; call after ``waitForRoom()`` returned `true` (or for an element the
    /// consumer is known to expect, such as one read before the producer started).
    public func yield(_ element: Element) {
        continuation.yield(element)
    }

    /// Ends the elements, with `error` when the producer failed.
    public func finish(throwing error: (any Error)? = nil) {
        continuation.finish(throwing: error)
    }

    /// Tells the producer that the consumer took an element, making room for another.
    public func taken() {
        room.signal()
    }

    /// Set once the consumer is gone; the producer checks it after each wait.
    private final class ConsumerState: Sendable {
        let gone = Atomic<Bool>(false)
    }
}
