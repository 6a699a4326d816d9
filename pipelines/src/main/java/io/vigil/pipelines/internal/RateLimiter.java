package io.vigil.pipelines.internal;

/**
 * A token bucket that caps how many messages one asset sends to one output: up to {@code burst} at
 * once, then {@code perSecond} on average. It starts full.
 *
 * <p>Time is event time, the window ends, not the wall clock: a backlog replayed after an outage is
 * limited as it was when it happened, instead of being squeezed into a few seconds of wall time and
 * dropped, and the same input always gives the same decisions. Time going backwards (a late window)
 * adds no token, and the span it skipped is not counted twice when time moves on.
 *
 * <p>A Flink POJO kept in keyed {@code ValueState}: its fields are public only for Flink's
 * serializer. Change them only through {@link #tryAcquire}. Rejections are not counted here: the
 * caller counts them in a metric.
 */
public final class RateLimiter {

    /**
     * Slack when comparing the fractional token count with 1: a rate like 1/60 per second is not
     * exact in binary, so the tokens added over exactly one interval may sum to 0.9999999999999999.
     */
    private static final double ROUNDING_SLACK = 1e-9;

    /** Tokens in the bucket at {@link #refilledAt}, from 0 to the burst. */
    public double tokens;

    /** Latest event time seen (epoch ms), to which the tokens are counted; MIN_VALUE before any. */
    public long refilledAt = Long.MIN_VALUE;

    /** A full bucket: its first call sets the burst. */
    public RateLimiter() {}

    /**
     * Takes one token if there is one at {@code nowMillis}.
     *
     * @param nowMillis event time of the message, epoch ms
     * @param perSecond tokens added per second of event time, positive; fractional for slower
     *     rates, e.g. {@code 1 / 60.0} for one per minute
     * @param burst the bucket's size, at least 1: the most messages sent at once
     * @return whether the message may be sent
     */
    public boolean tryAcquire(long nowMillis, double perSecond, int burst) {
        if (!(perSecond > 0 && perSecond < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(
                    "perSecond must be positive and finite, got " + perSecond + ".");
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1, got " + burst + ".");
        }
        if (refilledAt == Long.MIN_VALUE) {
            tokens = burst;
            refilledAt = nowMillis;
        } else if (nowMillis > refilledAt) {
            tokens += (nowMillis - refilledAt) * perSecond / 1000.0;
            refilledAt = nowMillis;
        }
        // Also applies a burst lowered since the last call.
        tokens = Math.min(tokens, burst);
        if (tokens < 1 - ROUNDING_SLACK) {
            return false;
        }
        tokens = Math.max(0, tokens - 1);
        return true;
    }
}
