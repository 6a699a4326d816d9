package io.vigil.pipelines.internal;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.util.clock.RelativeClock;

/**
 * Event time of a pipeline's readings: the newest reading's time minus the allowed
 * out-of-orderness, and, once no reading has come for the idle timeout, the wall clock's progress
 * on top, so the last windows of a plant that went quiet are still scored. A subtask that has seen
 * no reading for the idle timeout since it started is idle and holds nothing back; before that it
 * holds event time back, so readings that reach it a little after its siblings' are not late.
 *
 * <p>Flink's own {@code withIdleness} only stops an idle input from holding the others back; when
 * every input is quiet, event time would stand still and the last windows would wait for the next
 * reading, however long that takes.
 */
public final class ReadingWatermarks implements WatermarkGenerator<Reading> {

    /**
     * Periodic emits come every 200 ms by default; a gap longer than this means the task thread
     * could not run them.
     */
    private static final long STALL_MILLIS = 1_000;

    private final long outOfOrderness;
    private final long idleTimeout;
    private final RelativeClock clock;

    private final long startedAt;
    private long newest = Long.MIN_VALUE;
    private long lastReadingAt;
    private boolean readingSinceEmit;
    private long lastEmitAt = Long.MIN_VALUE;
    private long emitted = Long.MIN_VALUE;

    ReadingWatermarks(Duration outOfOrderness, Duration idleTimeout, RelativeClock clock) {
        this.outOfOrderness = outOfOrderness.toMillis();
        this.idleTimeout = idleTimeout.toMillis();
        this.clock = clock;
        this.startedAt = clock.relativeTimeMillis();
    }

    /** The strategy for a pipeline's readings, event time taken from each reading. */
    public static WatermarkStrategy<Reading> strategy(
            Duration outOfOrderness, Duration idleTimeout) {
        WatermarkStrategy<Reading> strategy =
                context ->
                        new ReadingWatermarks(
                                outOfOrderness, idleTimeout, context.getInputActivityClock());
        return strategy.withTimestampAssigner((reading, ignored) -> reading.timestamp());
    }

    @Override
    public void onEvent(Reading reading, long eventTimestamp, WatermarkOutput output) {
        newest = Math.max(newest, eventTimestamp);
        if (!readingSinceEmit) {
            // One clock read per emit interval, not per reading (it was 3 % of the task thread):
            // silence then counts from the first reading after the last emit, at most one
            // interval before the last reading, which is nothing against an idle timeout.
            lastReadingAt = clock.relativeTimeMillis();
            readingSinceEmit = true;
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        if (newest == Long.MIN_VALUE) {
            if (clock.relativeTimeMillis() - startedAt >= idleTimeout) {
                output.markIdle();
            }
            return;
        }
        long now = clock.relativeTimeMillis();
        readingSinceEmit = false;
        if (lastEmitAt != Long.MIN_VALUE && now - lastEmitAt > STALL_MILLIS) {
            // This call came late: the task was blocked (backpressure), not quiet. Readings may be
            // waiting in its input; that time must not count as silence, or event time would
            // overtake them and make them late.
            lastReadingAt += now - lastEmitAt;
        }
        lastEmitAt = now;
        long watermark = newest - outOfOrderness - 1;
        long quietFor = now - lastReadingAt;
        if (quietFor >= idleTimeout) {
            // No reading for the idle timeout: none is coming soon that this would make late, so
            // event time follows the wall clock from the newest reading on.
            watermark = newest - 1 + (quietFor - idleTimeout);
        }
        if (watermark > emitted) {
            emitted = watermark;
            output.emitWatermark(new Watermark(watermark));
        }
    }
}
