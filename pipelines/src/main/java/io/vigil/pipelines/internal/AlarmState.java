package io.vigil.pipelines.internal;

/**
 * One asset's alarm: turns its stream of window scores into episodes, so that one fault is one
 * raised and one cleared event instead of an event per window.
 *
 * <ul>
 *   <li><b>Debounce, k of n</b>: while idle, the alarm is raised when at least {@code k} of the
 *       last {@code n} windows scored above the raise level, so isolated spikes are ignored.
 *   <li><b>Hysteresis</b>: while active, the alarm clears only when fewer than {@code k} of the
 *       last {@code n} windows scored above the clear level, which may sit below the raise level,
 *       so a score hovering around the raise level does not flap.
 *   <li><b>Cooldown</b>: after a clear, no new raise before {@code clearedAt + cooldownMillis}.
 *       Windows inside the cooldown still count toward the k of n: the cooldown only holds back the
 *       raise, so a fault still present when it ends is raised by the first window over the level
 *       after it.
 * </ul>
 *
 * <p>Only a window over the raise level raises the alarm. Mostly this adds nothing, since the count
 * can only climb to {@code k} with a window over; but at the end of a cooldown, or after {@code k}
 * was lowered, it keeps a window under the level from starting an episode whose peak score would be
 * below the level. An episode runs from its raising window to its clearing window; the windows
 * before it that made up the k of n are not part of it.
 *
 * <p>"The last n windows" are the last n windows that arrived, not the last n hops of event time:
 * windows missing because the asset went quiet are not counted as below the level. Each level's
 * last 64 flags are kept whatever {@code n} is, so {@code k} and {@code n} may change between calls
 * (an edited pipeline restarted from a savepoint) without losing history.
 *
 * <p>A Flink POJO kept in keyed {@code ValueState}: its fields are public only for Flink's
 * serializer. Read them through the accessors and change them only through {@link #update}.
 */
public final class AlarmState {

    /** What a window did to the alarm. */
    public enum Transition {
        /** The alarm stayed as it was. */
        NONE,
        /** The alarm went from idle to active with this window: an episode starts. */
        RAISED,
        /** The alarm went from active to idle with this window: the episode ends. */
        CLEARED
    }

    /** The largest {@code n}: one bit per window in a {@code long}. */
    public static final int MAX_WINDOWS = Long.SIZE;

    /** Bit {@code i} set when the window {@code i} windows before the latest scored above raise. */
    public long overRaise;

    /** The same for the clear level. */
    public long overClear;

    /** Whether an episode is in progress. */
    public boolean active;

    /**
     * Whether the event that raised the current episode was published (an output's rate limit may
     * hold it back); its clear is published only if it was, so no consumer sees a lone clear.
     */
    public boolean announced;

    /** Window end (epoch ms) of the window that raised the current or last episode. */
    public long episodeStart;

    /** Highest score of the current or last episode, from its raising window on. */
    public double peakScore;

    /**
     * Windows of the current or last episode, from its raising window on, above the raise level.
     */
    public int windowsOver;

    /** Window end (epoch ms) of the window that cleared the last episode; MIN_VALUE before any. */
    public long clearedAt = Long.MIN_VALUE;

    /** An idle alarm with no history. */
    public AlarmState() {}

    /**
     * Takes the next window of the asset, in event-time order, and says whether it raised or
     * cleared the alarm. After {@link Transition#CLEARED} the accessors still describe the episode
     * that just ended, until the next raise starts a new one.
     *
     * @param windowEnd the window's end, epoch ms
     * @param raise the raise level: a window counts toward raising when its score is above it
     * @param clear the clear level, at most {@code raise}; equal to it for no hysteresis
     * @param k windows above the level that raise, or keep, the alarm; 1 to {@code n}
     * @param n windows looked back on, {@code k} to {@value #MAX_WINDOWS}
     * @param cooldownMillis event time after a clear during which no raise happens, at least 0
     */
    public Transition update(
            long windowEnd,
            double score,
            double raise,
            double clear,
            int k,
            int n,
            long cooldownMillis) {
        if (!(1 <= k && k <= n && n <= MAX_WINDOWS)) {
            throw new IllegalArgumentException(
                    "k and n must satisfy 1 <= k <= n <= 64, got k = " + k + ", n = " + n + ".");
        }
        if (!(clear <= raise)) {
            throw new IllegalArgumentException(
                    "clear must be at most raise, got clear = "
                            + clear
                            + ", raise = "
                            + raise
                            + ".");
        }
        if (cooldownMillis < 0) {
            throw new IllegalArgumentException(
                    "cooldownMillis must be at least 0, got " + cooldownMillis + ".");
        }
        overRaise = (overRaise << 1) | (score > raise ? 1 : 0);
        overClear = (overClear << 1) | (score > clear ? 1 : 0);
        long lastN = n == MAX_WINDOWS ? -1L : (1L << n) - 1;

        if (active) {
            windowsOver += score > raise ? 1 : 0;
            peakScore = score > peakScore ? score : peakScore;
            if (Long.bitCount(overClear & lastN) < k) {
                active = false;
                clearedAt = windowEnd;
                return Transition.CLEARED;
            }
            return Transition.NONE;
        }
        if (score > raise
                && Long.bitCount(overRaise & lastN) >= k
                && cooldownOver(windowEnd, cooldownMillis)) {
            active = true;
            episodeStart = windowEnd;
            peakScore = score;
            windowsOver = score > raise ? 1 : 0;
            return Transition.RAISED;
        }
        return Transition.NONE;
    }

    private boolean cooldownOver(long windowEnd, long cooldownMillis) {
        // Written as a difference: clearedAt + cooldownMillis could overflow.
        return clearedAt == Long.MIN_VALUE || windowEnd - clearedAt >= cooldownMillis;
    }

    /** Whether an episode is in progress. */
    public boolean active() {
        return active;
    }

    /** Window end (epoch ms) of the window that raised the current or last episode. */
    public long episodeStart() {
        return episodeStart;
    }

    /** Highest score of the current or last episode, from its raising window on. */
    public double peakScore() {
        return peakScore;
    }

    /**
     * Windows of the current or last episode, from its raising window on, above the raise level.
     */
    public int windowsOver() {
        return windowsOver;
    }

    /** Window end (epoch ms) of the window that cleared the last episode; MIN_VALUE before any. */
    public long clearedAt() {
        return clearedAt;
    }
}
