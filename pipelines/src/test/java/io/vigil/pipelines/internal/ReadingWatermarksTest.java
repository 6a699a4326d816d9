package io.vigil.pipelines.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.ManualClock;
import org.junit.jupiter.api.Test;

/** Event time of readings: bounded out-of-orderness, idleness, and the wall clock when quiet. */
class ReadingWatermarksTest {

    private final ManualClock clock = new ManualClock();
    private final Output output = new Output();
    private final ReadingWatermarks watermarks =
            new ReadingWatermarks(Duration.ofMillis(500), Duration.ofSeconds(10), clock);

    @Test
    void aSubtaskWithoutReadingsHoldsEventTimeBackUntilTheIdleTimeout() {
        watermarks.onPeriodicEmit(output);
        clock.advanceTime(Duration.ofMillis(9_999));
        watermarks.onPeriodicEmit(output);
        assertThat(output.idle).isFalse();
        clock.advanceTime(Duration.ofMillis(1));
        watermarks.onPeriodicEmit(output);
        assertThat(output.idle).isTrue();
        assertThat(output.emitted).isEmpty();
    }

    @Test
    void eventTimeTrailsTheNewestReadingByTheOutOfOrderness() {
        reading(10_000);
        reading(9_000);
        watermarks.onPeriodicEmit(output);
        reading(12_000);
        watermarks.onPeriodicEmit(output);
        assertThat(output.emitted).containsExactly(9_499L, 11_499L);
    }

    @Test
    void afterTheIdleTimeoutEventTimeFollowsTheWallClock() {
        reading(10_000);
        emitEvery200MillisFor(Duration.ofSeconds(10));
        emitEvery200MillisFor(Duration.ofSeconds(3));
        // Quiet for the timeout: nothing more is coming that could be late, so the newest
        // reading's windows close; then event time moves with the clock.
        assertThat(output.emitted).contains(9_999L).endsWith(12_999L);
    }

    @Test
    void timeTheTaskWasBlockedIsNotSilence() {
        reading(10_000);
        watermarks.onPeriodicEmit(output);
        // Backpressure held the task thread for 15 s: no periodic emit ran in between.
        clock.advanceTime(Duration.ofSeconds(15));
        watermarks.onPeriodicEmit(output);
        reading(10_100);
        watermarks.onPeriodicEmit(output);
        assertThat(output.emitted).containsExactly(9_499L, 9_599L);
    }

    private void emitEvery200MillisFor(Duration duration) {
        for (long t = 0; t < duration.toMillis(); t += 200) {
            clock.advanceTime(Duration.ofMillis(200));
            watermarks.onPeriodicEmit(output);
        }
    }

    private void reading(long timestamp) {
        watermarks.onEvent(new Reading("p1", timestamp, new float[] {1f}), timestamp, output);
    }

    private static final class Output implements WatermarkOutput {
        final List<Long> emitted = new ArrayList<>();
        boolean idle;

        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add(watermark.getTimestamp());
            idle = false;
        }

        @Override
        public void markIdle() {
            idle = true;
        }

        @Override
        public void markActive() {
            idle = false;
        }
    }
}
