package io.vigil.pipelines.internal;

/**
 * The window state of one asset: its samples and where its windows stand. Which fields matter
 * depends on the window type; see {@link WindowAssembler}.
 *
 * <p>A mutable Flink POJO (public fields, no-arg constructor) kept in keyed {@code ValueState};
 * only {@link WindowAssembler} touches it.
 */
public final class AssetWindow {

    /** The samples the open windows still need. */
    public AssetSamples samples;

    /** Time windows: start of the oldest window not yet scored; earlier readings are late. */
    public long origin = Long.MIN_VALUE;

    /** Time windows: end of the window whose timer is set, or {@link Long#MIN_VALUE}. */
    public long pendingEnd = Long.MIN_VALUE;

    /** End of the last window scored or skipped, or {@link Long#MIN_VALUE} before the first. */
    public long lastEnd = Long.MIN_VALUE;

    /** Session windows: time of the session's first reading, or {@link Long#MIN_VALUE}. */
    public long sessionStart = Long.MIN_VALUE;

    /** Session windows: when the open session closes, in event time. */
    public long sessionDue = Long.MIN_VALUE;

    /** Count windows: readings counted when the last window was emitted. */
    public long readingsAtLastWindow;

    /**
     * Early-mean columns: the sum and count of the asset's first readings, one slot per model
     * column; {@code null} when no column is an early mean.
     */
    public double[] earlySums;

    public int[] earlyCounts;

    public AssetWindow() {}

    AssetWindow(int channels) {
        samples = new AssetSamples(channels);
    }
}
