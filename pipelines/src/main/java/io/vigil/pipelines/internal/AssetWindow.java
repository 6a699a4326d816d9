package io.vigil.pipelines.internal;

/**
 * The readings of one asset that open windows still need, on the model's time grid: a ring of grid
 * rows from {@link #origin} (the start of the oldest window not yet scored) up to the newest
 * reading. It grows when readings run ahead, and the rows of a scored window's first hop are freed
 * after it.
 *
 * <p>A mutable Flink POJO (public fields, no-arg constructor) so the state backend can serialize
 * it; only {@link WindowAssembler} touches it.
 */
public final class AssetWindow {

    /** Start of the oldest window not yet scored, epoch ms; rows before it are gone. */
    public long origin;

    /** End of the window whose timer is registered, or {@link Long#MIN_VALUE} when none is. */
    public long pendingEnd = Long.MIN_VALUE;

    /** End of the last window scored or skipped, or {@link Long#MIN_VALUE} before the first. */
    public long lastEnd = Long.MIN_VALUE;

    /** Event time of the newest reading. */
    public long newest = Long.MIN_VALUE;

    /**
     * Ring of rows × channels values; row {@code r} (absolute grid index) lives at {@code r %
     * capacity}.
     */
    public float[] values;

    /** Whether a ring row holds a reading. */
    public boolean[] filled;

    public AssetWindow() {}

    AssetWindow(int capacityRows, int channels) {
        values = new float[capacityRows * channels];
        filled = new boolean[capacityRows];
    }

    int capacity() {
        return filled.length;
    }

    /** Makes room for absolute rows {@code [firstRow, lastRow]}, keeping the rows already held. */
    void ensureCapacity(long firstRow, long lastRow, int channels) {
        long needed = lastRow - firstRow + 1;
        if (needed <= capacity()) {
            return;
        }
        int capacity = capacity();
        while (capacity < needed) {
            capacity *= 2;
        }
        float[] grownValues = new float[capacity * channels];
        boolean[] grownFilled = new boolean[capacity];
        for (long row = firstRow; row <= lastRow; row++) {
            int from = (int) Math.floorMod(row, (long) filled.length);
            if (filled[from]) {
                int to = (int) Math.floorMod(row, (long) capacity);
                grownFilled[to] = true;
                System.arraycopy(values, from * channels, grownValues, to * channels, channels);
            }
        }
        values = grownValues;
        filled = grownFilled;
    }

    void put(long row, float[] reading) {
        int slot = (int) Math.floorMod(row, (long) capacity());
        filled[slot] = true;
        System.arraycopy(reading, 0, values, slot * reading.length, reading.length);
    }

    void clear(long fromRow, long toRowExclusive) {
        for (long row = fromRow; row < toRowExclusive; row++) {
            filled[(int) Math.floorMod(row, (long) capacity())] = false;
        }
    }
}
