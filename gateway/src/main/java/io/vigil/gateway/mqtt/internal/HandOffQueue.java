package io.vigil.gateway.mqtt.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded queue between Paho's callback thread and the source's task thread, which wakes a
 * waiting task thread for a batch of messages rather than for each one.
 *
 * <p>Waking a parked thread costs both threads a few microseconds of system time, as much as
 * decoding a reading. A queue that wakes its consumer on the first message after each drain (as
 * Flink's {@code FutureCompletingBlockingQueue} does) woke the task thread once every seven
 * messages at 47 000 messages a second, because the task thread drains faster than one message
 * arrives. This queue wakes it once {@code wakeBatch} messages wait, or {@code linger} after the
 * first of them arrived, whichever comes first: under load the task thread takes dozens of messages
 * per wake-up, and a lone message waits at most {@code linger}.
 *
 * <p>{@link #put} blocks while the queue is full, which is how the source applies backpressure.
 */
final class HandOffQueue<T> {

    private static final CompletableFuture<Void> AVAILABLE =
            CompletableFuture.completedFuture(null);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final ArrayDeque<T> items;
    private final int capacity;
    private final int wakeBatch;
    private final long lingerNanos;
    private final ScheduledExecutorService timer;

    // All guarded by lock.
    private CompletableFuture<Void> available = new CompletableFuture<>();
    private boolean consumerWaiting;
    private boolean lingerArmed;
    private boolean wakeRequested;
    private boolean closed;

    HandOffQueue(int capacity, int wakeBatch, Duration linger, ScheduledExecutorService timer) {
        if (capacity < 1 || wakeBatch < 1) {
            throw new IllegalArgumentException(
                    "Capacity and wake batch must be positive, got "
                            + capacity
                            + " and "
                            + wakeBatch
                            + ".");
        }
        this.items = new ArrayDeque<>(capacity);
        this.capacity = capacity;
        this.wakeBatch = Math.min(wakeBatch, capacity);
        this.lingerNanos = linger.toNanos();
        this.timer = timer;
    }

    /**
     * Adds an item, blocking while the queue is full. Returns false, without adding it, once the
     * queue is closed.
     */
    boolean put(T item) throws InterruptedException {
        CompletableFuture<Void> wake = null;
        boolean armLinger = false;
        lock.lockInterruptibly();
        try {
            while (items.size() >= capacity && !closed) {
                notFull.await();
            }
            if (closed) {
                return false;
            }
            items.addLast(item);
            if (consumerWaiting) {
                if (items.size() >= wakeBatch) {
                    wake = wakeConsumer();
                } else if (!lingerArmed) {
                    // An armed timer fires at most linger after it was armed, before now, so an
                    // item never waits longer than linger for it.
                    lingerArmed = armLinger = true;
                }
            }
        } finally {
            lock.unlock();
        }
        if (wake != null) {
            wake.complete(null);
        } else if (armLinger) {
            try {
                timer.schedule(this::lingerExpired, lingerNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // The reader is closing, and its timer with it: nobody polls any more.
            }
        }
        return true;
    }

    /** The oldest item, or null if there is none; never blocks. */
    T poll() {
        lock.lock();
        try {
            T item = items.pollFirst();
            if (item != null) {
                notFull.signal();
            }
            return item;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A future that completes when the consumer should poll again: at once if items wait (or the
     * queue is closed), otherwise when a batch is ready, the linger expires, or {@link #wakeUp} is
     * called.
     */
    CompletableFuture<Void> availability() {
        lock.lock();
        try {
            if (!items.isEmpty() || closed || wakeRequested) {
                wakeRequested = false;
                return AVAILABLE;
            }
            if (!consumerWaiting) {
                available = new CompletableFuture<>();
                consumerWaiting = true;
            }
            return available;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Wakes the consumer now, to see a failure it must report; if it is not waiting, its next
     * {@link #availability()} is complete.
     */
    void wakeUp() {
        CompletableFuture<Void> wake = null;
        lock.lock();
        try {
            if (consumerWaiting) {
                wake = wakeConsumer();
            } else {
                wakeRequested = true;
            }
        } finally {
            lock.unlock();
        }
        if (wake != null) {
            wake.complete(null);
        }
    }

    /** Refuses further items, releases a blocked {@link #put} and wakes the consumer. */
    void close() {
        lock.lock();
        try {
            closed = true;
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
        wakeUp();
    }

    private void lingerExpired() {
        CompletableFuture<Void> wake = null;
        lock.lock();
        try {
            lingerArmed = false;
            if (consumerWaiting && !items.isEmpty()) {
                wake = wakeConsumer();
            }
        } finally {
            lock.unlock();
        }
        if (wake != null) {
            wake.complete(null);
        }
    }

    /** Called with the lock held; the caller completes the returned future after releasing it. */
    private CompletableFuture<Void> wakeConsumer() {
        consumerWaiting = false;
        return available;
    }
}
