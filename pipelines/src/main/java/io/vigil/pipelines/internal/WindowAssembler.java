package io.vigil.pipelines.internal;

import io.vigil.models.ModelCard;
import io.vigil.pipelines.ModelInput;
import io.vigil.pipelines.OutboundMessage;
import io.vigil.pipelines.PipelineMetrics;
import io.vigil.pipelines.spec.PipelineSpec;
import io.vigil.pipelines.spec.PipelineSpec.Channel;
import io.vigil.pipelines.spec.PipelineSpec.WindowType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.MathUtils;
import org.apache.flink.util.OutputTag;

/**
 * The windows of one asset, each resampled into the model's fixed {@code rows × columns} tensor.
 *
 * <ul>
 *   <li><b>sliding, tumbling</b>: windows end on multiples of the hop, each asset's shifted by its
 *       own phase when {@code stagger} is on; a window is scored when event time passes its end
 *       (plus the allowed lateness). The first window of an asset is the first that ends after its
 *       first reading; an asset that falls silent stops scheduling windows until it speaks again.
 *   <li><b>count</b>: the last {@code rows} samples of each channel, every {@code every} readings,
 *       as they arrive. With {@code min-coverage} below 1, an asset's first windows come before it
 *       has {@code rows} readings, their first rows repeating its first reading.
 *   <li><b>session</b>: a burst of readings, closed by a gap of silence (or its maximum length) and
 *       resampled evenly onto the model's rows.
 * </ul>
 *
 * Readings are kept once per channel ({@link AssetSamples}), never copied into every window they
 * belong to. A window the missing-value policy cannot fill, or with fewer covered rows than {@code
 * min-coverage} asks, is skipped and counted. A reading that arrives after every window it belongs
 * to was scored goes to the late side output, counted, never dropped silently.
 */
public final class WindowAssembler extends KeyedProcessFunction<String, Reading, ModelInput> {

    /** Side output of readings that arrived too late for their windows. */
    public static final OutputTag<OutboundMessage> LATE = new OutputTag<>("late-readings") {};

    /** How far ahead of its open window a reading may be before its clock is suspect. */
    private static final int MAX_SPAN_WINDOWS = 64;

    private final String pipeline;
    private final PipelineSpec.Window window;
    private final long length;
    private final long hop;
    private final long lateness;
    private final int rows;
    private final int inputs;
    private final int minCoveredRows;
    private final float[] maskValues;
    private final DerivedChannels.Column[] columns;
    private final boolean early;
    // asset -> its known early level per input channel (NaN where unknown), from the spec
    private final HashMap<String, float[]> knownEarlyLevels = new HashMap<>();
    private final String lateTopic;
    private final int lateQos;

    private transient ValueState<AssetWindow> state;
    private transient float[] base;
    private transient float[] earlyMeans;
    private transient Counter windowed;
    private transient Counter late;
    private transient Counter skipped;
    // The wall-clock moment the watermark that fires the current timers arrived: every window one
    // watermark closes was closed at that moment, however long the windows before it took.
    private transient long watermarkSeen;
    private transient long closedAtMicros;

    public WindowAssembler(PipelineSpec spec) {
        this.pipeline = spec.name();
        this.window = spec.window();
        this.length = window.length() == null ? 0 : window.length().toMillis();
        this.hop = window.hop() == null ? 0 : window.hop().toMillis();
        this.lateness = spec.time().allowedLateness().toMillis();
        this.rows = window.rows();
        List<Channel> in = spec.source().inputs();
        this.inputs = in.size();
        this.minCoveredRows = window.minCoveredRows();
        ModelCard card = spec.model().card();
        float[] mean = card.mean();
        this.maskValues = new float[inputs];
        for (int i = 0; i < inputs; i++) {
            int c = card.channels().indexOf(in.get(i).name());
            maskValues[i] = c < 0 ? 0f : mean[c];
        }
        List<String> inputNames = in.stream().map(Channel::name).toList();
        this.columns =
                spec.source().columns().stream()
                        .map(
                                c ->
                                        c.derived()
                                                ? new DerivedChannels.Column(
                                                        inputNames.indexOf(c.from()),
                                                        c.derivation(),
                                                        c.samples())
                                                : DerivedChannels.Column.copy(
                                                        inputNames.indexOf(c.name())))
                        .toArray(DerivedChannels.Column[]::new);
        this.early = DerivedChannels.anyEarly(columns);
        PipelineSpec.EarlyLevels levels = spec.source().earlyLevels();
        for (String asset : levels.assets().keySet()) {
            float[] known = new float[inputs];
            for (int i = 0; i < inputs; i++) {
                known[i] = (float) levels.level(asset, inputNames.get(i));
            }
            knownEarlyLevels.put(asset, known);
        }
        this.lateTopic = spec.output().late().topic().replace("{pipeline}", spec.name());
        this.lateQos = spec.output().late().qos();
    }

    @Override
    public void open(OpenContext openContext) {
        state =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("window", AssetWindow.class));
        base = new float[rows * inputs];
        earlyMeans = new float[columns.length];
        MetricGroup metrics = PipelineMetrics.group(getRuntimeContext().getMetricGroup(), pipeline);
        windowed = metrics.counter(PipelineMetrics.READINGS_WINDOWED);
        late = metrics.counter(PipelineMetrics.READINGS_LATE);
        skipped = metrics.counter(PipelineMetrics.WINDOWS_SKIPPED);
    }

    @Override
    public void processElement(Reading reading, Context context, Collector<ModelInput> out)
            throws Exception {
        AssetWindow asset = state.value();
        if (asset == null) {
            asset = new AssetWindow(inputs);
        }
        if (early) {
            if (asset.earlySums == null) {
                asset.earlySums = new double[columns.length];
                asset.earlyCounts = new int[columns.length];
                float[] known = knownEarlyLevels.get(context.getCurrentKey());
                if (known != null) {
                    DerivedChannels.seed(columns, known, asset.earlySums, asset.earlyCounts);
                }
            }
            // Every reading the asset sends counts towards its early level, late ones included:
            // they are its readings all the same, and the level is not a window.
            DerivedChannels.observe(columns, reading.values(), asset.earlySums, asset.earlyCounts);
        }
        switch (window.type()) {
            case SLIDING, TUMBLING -> timed(asset, reading, context);
            case COUNT -> counted(asset, reading, context, out);
            case SESSION -> session(asset, reading, context);
        }
        state.update(asset);
    }

    private void timed(AssetWindow asset, Reading reading, Context context) {
        long ts = reading.timestamp();
        if (asset.pendingEnd == Long.MIN_VALUE) {
            // No window open: the next one is the first that ends after this reading and after the
            // last window scored, so a scored window is never scored twice. A reading that belongs
            // only to scored windows opens nothing.
            long phase = phase(context.getCurrentKey());
            long end = Math.floorDiv(ts - phase, hop) * hop + hop + phase;
            if (asset.lastEnd != Long.MIN_VALUE) {
                end = Math.max(end, asset.lastEnd + hop);
            }
            if (ts < end - length) {
                late(reading, context, end - length);
                return;
            }
            asset.pendingEnd = end;
            asset.origin = end - length;
            context.timerService().registerEventTimeTimer(end - 1 + lateness);
        }
        if (ts < asset.origin) {
            late(reading, context, asset.origin);
            return;
        }
        if (ts - asset.origin > MAX_SPAN_WINDOWS * length) {
            reject(
                    reading,
                    context,
                    "event time "
                            + ts
                            + " is more than "
                            + MAX_SPAN_WINDOWS
                            + " windows ahead of the asset's oldest open window ("
                            + asset.origin
                            + "); is its clock wrong?");
            return;
        }
        asset.samples.add(ts, reading.values());
        windowed.inc();
    }

    /**
     * Where in the hop this asset's windows end: 0 unless staggered, else a fixed point in [0, hop)
     * from the asset id. Spread by a mixing hash, because assets are named in series (pump-01,
     * pump-02, ...) and their plain hash codes lie next to each other.
     */
    private long phase(String asset) {
        return window.stagger() ? Math.floorMod(MathUtils.murmurHash(asset.hashCode()), hop) : 0;
    }

    private void counted(
            AssetWindow asset, Reading reading, Context context, Collector<ModelInput> out) {
        long ts = reading.timestamp();
        if (asset.lastEnd != Long.MIN_VALUE && ts < asset.lastEnd - 1) {
            reject(
                    reading,
                    context,
                    "late: event time "
                            + ts
                            + " is before the end of the last count window ("
                            + (asset.lastEnd - 1)
                            + ")");
            return;
        }
        AssetSamples samples = asset.samples;
        samples.add(ts, reading.values());
        windowed.inc();
        boolean due =
                asset.lastEnd == Long.MIN_VALUE
                        || samples.readings - asset.readingsAtLastWindow >= window.every();
        if (!due) {
            return;
        }
        int covered = Resampler.lastN(samples, rows, minCoveredRows, base);
        if (covered < 0) {
            // Too short a history yet: no window, and nothing to count as skipped.
            return;
        }
        long start = Long.MAX_VALUE;
        for (int c = 0; c < inputs; c++) {
            start = Math.min(start, samples.time(c, Math.max(0, samples.count(c) - rows)));
        }
        long end = samples.newest() + 1;
        // A count window closes with the reading that completes it.
        emit(
                asset,
                context.getCurrentKey(),
                start,
                end,
                covered,
                PipelineMetrics.epochMicros(),
                out);
        asset.lastEnd = end;
        asset.readingsAtLastWindow = samples.readings;
        samples.keepLast(rows);
    }

    private void session(AssetWindow asset, Reading reading, Context context) {
        long ts = reading.timestamp();
        if (asset.lastEnd != Long.MIN_VALUE && ts < asset.lastEnd) {
            reject(
                    reading,
                    context,
                    "late: event time "
                            + ts
                            + " is before the end of the asset's last session ("
                            + asset.lastEnd
                            + ")");
            return;
        }
        if (asset.sessionStart == Long.MIN_VALUE) {
            asset.sessionStart = ts;
        }
        asset.samples.add(ts, reading.values());
        windowed.inc();
        asset.sessionStart = Math.min(asset.sessionStart, ts);
        long due =
                Math.min(
                        asset.samples.newest() + window.gap().toMillis(),
                        asset.sessionStart + window.maxLength().toMillis());
        if (due != asset.sessionDue) {
            if (asset.sessionDue != Long.MIN_VALUE) {
                context.timerService().deleteEventTimeTimer(asset.sessionDue - 1 + lateness);
            }
            asset.sessionDue = due;
            context.timerService().registerEventTimeTimer(due - 1 + lateness);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext context, Collector<ModelInput> out)
            throws Exception {
        long watermark = context.timerService().currentWatermark();
        if (watermark != watermarkSeen) {
            watermarkSeen = watermark;
            closedAtMicros = PipelineMetrics.epochMicros();
        }
        AssetWindow asset = state.value();
        if (window.type() == WindowType.SESSION) {
            closeSession(asset, context, out);
        } else {
            closeTimed(asset, timestamp + 1 - lateness, context, out);
        }
        state.update(asset);
    }

    private void closeTimed(
            AssetWindow asset, long end, OnTimerContext context, Collector<ModelInput> out) {
        long start = end - length;
        int covered = resample(asset.samples, start, window.samplePeriod().toMillis());
        emit(asset, context.getCurrentKey(), start, end, covered, closedAtMicros, out);

        long nextStart = start + hop;
        asset.samples.evictBefore(nextStart);
        asset.origin = nextStart;
        asset.lastEnd = end;
        if (asset.samples.newest() >= nextStart) {
            asset.pendingEnd = end + hop;
            context.timerService().registerEventTimeTimer(end + hop - 1 + lateness);
        } else {
            asset.pendingEnd = Long.MIN_VALUE;
        }
    }

    private void closeSession(
            AssetWindow asset, OnTimerContext context, Collector<ModelInput> out) {
        long start = asset.sessionStart;
        // The session's last reading must fall inside the last cell, whose end is exclusive.
        long end = asset.samples.newest() + 1;
        int covered = resample(asset.samples, start, (double) (end - start) / rows);
        emit(asset, context.getCurrentKey(), start, end, covered, closedAtMicros, out);
        asset.samples = new AssetSamples(inputs);
        asset.lastEnd = end;
        asset.sessionStart = Long.MIN_VALUE;
        asset.sessionDue = Long.MIN_VALUE;
    }

    /** Resamples the window starting at {@code start} into {@link #base}; see {@link Resampler}. */
    private int resample(AssetSamples samples, long start, double period) {
        return Resampler.resample(
                samples,
                start,
                period,
                rows,
                window.resampling(),
                window.missing(),
                window.maxGap().toMillis(),
                maskValues,
                base);
    }

    private void emit(
            AssetWindow assetState,
            String asset,
            long start,
            long end,
            int covered,
            long closedAtMicros,
            Collector<ModelInput> out) {
        if (covered < minCoveredRows) {
            skipped.inc();
            return;
        }
        float[] tensor = new float[rows * columns.length];
        if (early) {
            DerivedChannels.earlyMeans(
                    columns, assetState.earlySums, assetState.earlyCounts, maskValues, earlyMeans);
        }
        DerivedChannels.apply(base, rows, inputs, columns, earlyMeans, tensor);
        out.collect(new ModelInput(asset, start, end, tensor, covered, closedAtMicros));
    }

    private void late(Reading reading, Context context, long oldestOpenStart) {
        reject(
                reading,
                context,
                "late: event time "
                        + reading.timestamp()
                        + " is before the oldest open window, which starts at "
                        + oldestOpenStart);
    }

    private void reject(Reading reading, Context context, String reason) {
        late.inc();
        byte[] payload = describe(reading).getBytes(StandardCharsets.UTF_8);
        long now = context.timerService().currentProcessingTime();
        context.output(
                LATE,
                DeadLetters.late(
                        pipeline, lateTopic, lateQos, reading.asset(), payload, reason, now));
    }

    private static String describe(Reading reading) {
        return "{\"asset\":\""
                + reading.asset()
                + "\",\"ts\":"
                + reading.timestamp()
                + ",\"values\":"
                + Arrays.toString(reading.values()).replace("NaN", "null")
                + "}";
    }
}
