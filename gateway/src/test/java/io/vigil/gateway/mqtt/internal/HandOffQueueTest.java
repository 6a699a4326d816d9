package io.vigil.gateway.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HandOffQueueTest {

    private static final Duration NEVER = Duration.ofHours(1);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void wakesAWaitingConsumerOnceABatchWaits() throws Exception {
        HandOffQueue<Integer> queue = new HandOffQueue<>(100, 4, NEVER, timer);
        CompletableFuture<Void> available = queue.availability();

        for (int i = 0; i < 3; i++) {
            queue.put(i);
        }
        assertThat(available).isNotDone();
        queue.put(3);

        assertThat(available).isDone();
        for (int i = 0; i < 4; i++) {
            assertThat(queue.poll()).isEqualTo(i);
        }
        assertThat(queue.poll()).isNull();
    }

    @Test
    void wakesAWaitingConsumerForALoneItemAfterTheLinger() throws Exception {
        Duration linger = Duration.ofMillis(50);
        HandOffQueue<String> queue = new HandOffQueue<>(100, 64, linger, timer);
        CompletableFuture<Void> available = queue.availability();

        long start = System.nanoTime();
        queue.put("only");
        available.get(10, TimeUnit.SECONDS);

        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(linger.toNanos());
        assertThat(queue.poll()).isEqualTo("only");
    }

    @Test
    void isAvailableAtOnceWhileItemsWait() throws Exception {
        HandOffQueue<String> queue = new HandOffQueue<>(100, 64, NEVER, timer);
        queue.put("waiting");

        assertThat(queue.availability()).isDone();
        assertThat(queue.poll()).isEqualTo("waiting");
        assertThat(queue.availability()).isNotDone();
    }

    @Test
    void aWakeUpBeforeTheConsumerWaitsIsNotLost() {
        HandOffQueue<String> queue = new HandOffQueue<>(100, 64, NEVER, timer);
        queue.wakeUp();

        assertThat(queue.availability()).isDone();
        assertThat(queue.availability()).isNotDone();
    }

    @Test
    void putBlocksWhileFullUntilTheConsumerTakesOne() throws Exception {
        HandOffQueue<Integer> queue = new HandOffQueue<>(2, 64, NEVER, timer);
        queue.put(1);
        queue.put(2);
        AtomicBoolean third = new AtomicBoolean();
        Thread producer = blockedPut(queue, 3, third);
        assertThat(third).isFalse();
        assertThat(queue.poll()).isEqualTo(1);
        producer.join(10_000);

        assertThat(third).isTrue();
        assertThat(queue.poll()).isEqualTo(2);
        assertThat(queue.poll()).isEqualTo(3);
    }

    @Test
    void closeReleasesABlockedPutWhichRefusesItsItem() throws Exception {
        HandOffQueue<Integer> queue = new HandOffQueue<>(1, 64, NEVER, timer);
        queue.put(1);
        AtomicBoolean accepted = new AtomicBoolean(true);
        Thread producer = blockedPut(queue, 2, accepted);

        CompletableFuture<Void> available = queue.availability();
        queue.close();
        producer.join(10_000);

        assertThat(accepted).isFalse();
        assertThat(available).isDone();
        assertThat(queue.put(3)).isFalse();
    }

    /** Starts putting {@code item} on a thread of its own and returns once that put blocks. */
    private static Thread blockedPut(
            HandOffQueue<Integer> queue, int item, AtomicBoolean accepted) {
        Thread producer =
                new Thread(
                        () -> {
                            try {
                                accepted.set(queue.put(item));
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        });
        producer.start();
        await().until(() -> producer.getState() == Thread.State.WAITING);
        return producer;
    }
}
