package io.vigil.pipelines.internal;

/** What one asset's windows showed since its last health message. A Flink POJO. */
public final class AssetHealth {

    /** Window end at the last health message, or {@link Long#MIN_VALUE} before the first. */
    public long lastReportEnd = Long.MIN_VALUE;

    public long windows;
    public long anomalousWindows;
    public double maxScore;

    public AssetHealth() {}

    void reset(long end) {
        lastReportEnd = end;
        windows = 0;
        anomalousWindows = 0;
        maxScore = 0;
    }
}
