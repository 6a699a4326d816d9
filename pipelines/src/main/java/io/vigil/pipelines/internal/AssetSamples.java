package io.vigil.pipelines.internal;

import java.util.Arrays;

/**
 * The raw samples of one asset that its open windows still need, kept per channel in event-time
 * order, so that every window type (time grid, count, session) can resample them as it needs.
 *
 * <p>Readings may be partial: a {@link Float#NaN} value means the reading does not carry that
 * channel, so each channel keeps only its own samples, at its own rate. A sample whose channel
 * already holds one at the same event time replaces it (a re-sent reading wins).
 *
 * <p>Per-channel arrays grow geometrically and shrink when eviction leaves them mostly empty, so
 * the state (which the backend serializes whole on every update) stays proportional to the samples
 * held.
 *
 * <p>A mutable Flink POJO (public fields, no-arg constructor) kept in keyed {@code ValueState}; the
 * fields are public for the state serializer only: read and change it through its methods.
 */
public final class AssetSamples {

    private static final int INITIAL_CAPACITY = 8;

    /** Per channel, the event times (epoch ms) of its samples, ascending; valid up to counts. */
    public long[][] times;

    /** Per channel, the sample values, parallel to {@link #times}. */
    public float[][] values;

    /** Per channel, how many samples it holds. */
    public int[] counts;

    /** How many readings were ever added, whatever channels they carried. */
    public long readings;

    /** Event time of the newest reading added, or {@link Long#MIN_VALUE} before the first. */
    public long newest = Long.MIN_VALUE;

    /** For Flink's state serializer, which sets every field afterwards. */
    public AssetSamples() {}

    AssetSamples(int channels) {
        if (channels <= 0) {
            throw new IllegalArgumentException("channels must be positive, found " + channels);
        }
        times = new long[channels][0];
        values = new float[channels][0];
        counts = new int[channels];
    }

    /**
     * Adds one reading: each value that is not {@link Float#NaN} becomes a sample of its channel.
     */
    void add(long timestamp, float[] reading) {
        if (reading.length != channels()) {
            throw new IllegalArgumentException(
                    "reading has " + reading.length + " values, expected " + channels());
        }
        for (int c = 0; c < reading.length; c++) {
            if (!Float.isNaN(reading[c])) {
                insert(c, timestamp, reading[c]);
            }
        }
        readings++;
        newest = Math.max(newest, timestamp);
    }

    /**
     * Forgets samples older than {@code timestamp}, except each channel's newest one before it: the
     * left neighbour that forward-fill and linear interpolation need at a window's start.
     */
    void evictBefore(long timestamp) {
        for (int c = 0; c < counts.length; c++) {
            int drop = Math.max(0, firstAtOrAfter(c, timestamp) - 1);
            retain(c, drop, counts[c] - drop);
        }
    }

    /** Keeps only the last {@code n} samples of each channel. */
    void keepLast(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative, found " + n);
        }
        for (int c = 0; c < counts.length; c++) {
            int keep = Math.min(n, counts[c]);
            retain(c, counts[c] - keep, keep);
        }
    }

    int channels() {
        return counts.length;
    }

    /** How many samples {@code channel} holds. */
    int count(int channel) {
        return counts[channel];
    }

    /** Event time of the {@code i}-th oldest sample of {@code channel}. */
    long time(int channel, int i) {
        return times[channel][i];
    }

    /** Value of the {@code i}-th oldest sample of {@code channel}. */
    float value(int channel, int i) {
        return values[channel][i];
    }

    /**
     * Index of the first sample of {@code channel} at or after {@code timestamp}; {@link
     * #count(int)} when there is none.
     */
    int firstAtOrAfter(int channel, long timestamp) {
        long[] t = times[channel];
        int low = 0;
        int high = counts[channel];
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (t[mid] < timestamp) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** Event time of the newest reading added, even if eviction has since dropped its samples. */
    long newest() {
        return newest;
    }

    /** Event time of the oldest sample held in any channel; {@link Long#MAX_VALUE} when none is. */
    long oldest() {
        long oldest = Long.MAX_VALUE;
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] > 0) {
                oldest = Math.min(oldest, times[c][0]);
            }
        }
        return oldest;
    }

    /** Whether no channel holds a sample. */
    boolean isEmpty() {
        for (int count : counts) {
            if (count > 0) {
                return false;
            }
        }
        return true;
    }

    private void insert(int c, long timestamp, float value) {
        int n = counts[c];
        long[] t = times[c];
        // Readings mostly arrive in order: appending and re-sending the newest are O(1).
        if (n == 0 || t[n - 1] < timestamp) {
            ensureRoom(c);
            times[c][n] = timestamp;
            values[c][n] = value;
            counts[c] = n + 1;
            return;
        }
        int at = firstAtOrAfter(c, timestamp);
        if (t[at] == timestamp) {
            values[c][at] = value;
            return;
        }
        ensureRoom(c);
        System.arraycopy(times[c], at, times[c], at + 1, n - at);
        System.arraycopy(values[c], at, values[c], at + 1, n - at);
        times[c][at] = timestamp;
        values[c][at] = value;
        counts[c] = n + 1;
    }

    private void ensureRoom(int c) {
        int capacity = times[c].length;
        if (counts[c] < capacity) {
            return;
        }
        int grown = Math.max(INITIAL_CAPACITY, capacity * 2);
        times[c] = Arrays.copyOf(times[c], grown);
        values[c] = Arrays.copyOf(values[c], grown);
    }

    /** Keeps samples {@code [from, from + keep)} of channel {@code c}, moved to the front. */
    private void retain(int c, int from, int keep) {
        int capacity = times[c].length;
        // Shrink only below a quarter full, so alternating add and evict cannot thrash.
        if (capacity > INITIAL_CAPACITY && keep < capacity / 4) {
            int shrunk = Math.max(INITIAL_CAPACITY, keep * 2);
            times[c] = Arrays.copyOfRange(times[c], from, from + shrunk);
            values[c] = Arrays.copyOfRange(values[c], from, from + shrunk);
        } else if (from > 0) {
            System.arraycopy(times[c], from, times[c], 0, keep);
            System.arraycopy(values[c], from, values[c], 0, keep);
        }
        counts[c] = keep;
    }
}
