package io.vigil.pipelines.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    /** Offers a message every {@code step} ms from {@code from} to {@code to}, both included. */
    private static List<Long> accepted(
            RateLimiter limiter, long from, long to, long step, double perSecond, int burst) {
        List<Long> times = new ArrayList<>();
        for (long t = from; t <= to; t += step) {
            if (limiter.tryAcquire(t, perSecond, burst)) {
                times.add(t);
            }
        }
        return times;
    }

    @Test
    void startsFullThenLetsThroughExactlyTheRate() {
        RateLimiter limiter = new RateLimiter();
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.tryAcquire(0, 2, 5)).as("message %d of the burst", i).isTrue();
        }
        assertThat(limiter.tryAcquire(0, 2, 5)).isFalse();

        // A message every 10 ms for 100 s at 2 per second: one every 500 ms, 200 in all.
        List<Long> times = accepted(limiter, 10, 100_000, 10, 2, 5);

        assertThat(times).hasSize(200).allMatch(t -> t % 500 == 0);
    }

    @Test
    void timeGoingBackwardsAddsNoTokenAndIsNotCountedTwice() {
        RateLimiter limiter = new RateLimiter();
        assertThat(limiter.tryAcquire(10_000, 1, 1)).isTrue();

        assertThat(limiter.tryAcquire(5_000, 1, 1)).isFalse();
        assertThat(limiter.tryAcquire(10_500, 1, 1)).as("half a token since 10 000").isFalse();
        assertThat(limiter.tryAcquire(11_000, 1, 1)).isTrue();
        assertThat(limiter.tryAcquire(11_000, 1, 1)).isFalse();
    }

    @Test
    void timeGoingBackwardsTakesNoTokenAway() {
        RateLimiter limiter = new RateLimiter();
        assertThat(limiter.tryAcquire(10_000, 1, 2)).isTrue();

        assertThat(limiter.tryAcquire(9_000, 1, 2)).as("the second token of the burst").isTrue();
        assertThat(limiter.tryAcquire(9_000, 1, 2)).isFalse();
    }

    @Test
    void fractionalRatesRefillOverMinutes() {
        // Offered every second. 1 / 60 and 1 / 30 per second are not exact in binary: 30 additions
        // of 1 / 30 sum to 0.9999999999999999, which must still make a whole token.
        List<Long> onePerMinute = accepted(new RateLimiter(), 0, 3_600_000, 1_000, 1 / 60.0, 1);
        List<Long> twoPerMinute = accepted(new RateLimiter(), 0, 6_000_000, 1_000, 1 / 30.0, 1);

        assertThat(onePerMinute).hasSize(61).allMatch(t -> t % 60_000 == 0);
        assertThat(twoPerMinute).hasSize(201).allMatch(t -> t % 30_000 == 0);
    }

    @Test
    void aRateWithARecurringIntervalKeepsItsAverage() {
        // Three per second, a token every 333.3 ms, offered every ms for 10 s: the burst of 2 plus
        // 30 tokens. With a burst of 2 the bucket is never full once drained, so the fractions of a
        // token between ms ticks carry over instead of spilling.
        List<Long> times = accepted(new RateLimiter(), 0, 10_000, 1, 3, 2);

        assertThat(times).hasSize(32);
        assertThat(times.subList(0, 6)).containsExactly(0L, 1L, 334L, 667L, 1_000L, 1_334L);
    }

    @Test
    void aLoweredBurstCapsTheTokensAtOnce() {
        RateLimiter limiter = new RateLimiter();
        limiter.tryAcquire(0, 1, 10);

        int sent = 0;
        for (int i = 0; i < 9; i++) {
            sent += limiter.tryAcquire(0, 1, 3) ? 1 : 0;
        }

        assertThat(sent).as("9 tokens left, capped at the new burst of 3").isEqualTo(3);
    }

    @Test
    void rejectsParametersOutOfRange() {
        RateLimiter limiter = new RateLimiter();

        assertThatThrownBy(() -> limiter.tryAcquire(0, 0, 1))
                .hasMessage("perSecond must be positive and finite, got 0.0.");
        assertThatThrownBy(() -> limiter.tryAcquire(0, Double.NaN, 1))
                .hasMessage("perSecond must be positive and finite, got NaN.");
        assertThatThrownBy(() -> limiter.tryAcquire(0, 1, 0))
                .hasMessage("burst must be at least 1, got 0.");
    }

    @Test
    void isAFlinkPojo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(RateLimiter.class);
    }
}
