package io.vigil.pipelines.internal;

import io.vigil.pipelines.OutboundMessage;
import io.vigil.pipelines.PipelineMetrics;
import io.vigil.pipelines.spec.PipelineSpec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The sliding event-time window of one asset, resampled onto the model's grid and emitted as a
 * fixed {@code rows × channels} tensor when the watermark passes its end.
 *
 * <p>Windows end on multiples of the hop; the first window of an asset is the first that ends after
 * its first reading. Each reading is written once into a ring of grid rows (the last reading of a
 * row wins) instead of being copied into every window it belongs to, as Flink's sliding windows
 * would. A window with fewer filled rows than the coverage asks for is skipped and counted;
 * otherwise empty rows take the previous row's values (the next row's at the very start). A reading
 * that arrives after every window it belongs to was scored goes to the late side output, counted,
 * never dropped silently. An asset that falls silent stops scheduling windows until it speaks
 * again.
 */
public final class WindowAssembler extends KeyedProcessFunction<String, Reading, WindowTensor> {

    /** Side output of readings that arrived too late for any window. */
    public static final OutputTag<OutboundMessage> LATE = new OutputTag<>("late-readings") {};

    /** How far ahead of its open window a reading may be before its clock is suspect. */
    private static final int MAX_SPAN_WINDOWS = 64;

    private final String pipeline;
    private final long length;
    private final long hop;
    private final long period;
    private final int rows;
    private final int channels;
    private final int minFilledRows;
    private final String lateTopic;

    private transient ValueState<AssetWindow> state;
    private transient Counter windowed;
    private transient Counter late;
    private transient Counter skipped;

    public WindowAssembler(PipelineSpec spec) {
        PipelineSpec.Window window = spec.window();
        this.pipeline = spec.name();
        this.length = window.length().toMillis();
        this.hop = window.hop().toMillis();
        this.period = window.samplePeriod().toMillis();
        this.rows = window.rows();
        this.channels = spec.source().channels().size();
        this.minFilledRows = (int) Math.ceil(window.minCoverage() * rows);
        this.lateTopic = spec.output().deadLetterTopic().replace("{pipeline}", spec.name());
    }

    @Override
    public void open(OpenContext openContext) {
        state =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("window", AssetWindow.class));
        MetricGroup metrics = PipelineMetrics.group(getRuntimeContext().getMetricGroup(), pipeline);
        windowed = metrics.counter(PipelineMetrics.READINGS_WINDOWED);
        late = metrics.counter(PipelineMetrics.READINGS_LATE);
        skipped = metrics.counter(PipelineMetrics.WINDOWS_SKIPPED);
    }

    @Override
    public void processElement(Reading reading, Context context, Collector<WindowTensor> out)
            throws Exception {
        AssetWindow window = state.value();
        if (window == null) {
            window = new AssetWindow(Math.max(16, Integer.highestOneBit(rows) * 2), channels);
        }
        long ts = reading.timestamp();
        if (window.pendingEnd == Long.MIN_VALUE) {
            // No window open: the next one is the first that ends after this reading and after the
            // last window scored, so a scored window is never scored twice.
            long end = Math.floorDiv(ts, hop) * hop + hop;
            if (window.lastEnd != Long.MIN_VALUE) {
                end = Math.max(end, window.lastEnd + hop);
            }
            window.pendingEnd = end;
            window.origin = end - length;
            context.timerService().registerEventTimeTimer(end - 1);
        }
        if (ts < window.origin) {
            reject(
                    reading,
                    context,
                    "late: event time "
                            + ts
                            + " is before the oldest open window, which starts at "
                            + window.origin);
            state.update(window);
            return;
        }
        long row = Math.floorDiv(ts, period);
        if (row - Math.floorDiv(window.origin, period) > MAX_SPAN_WINDOWS * (long) rows) {
            reject(
                    reading,
                    context,
                    "event time "
                            + ts
                            + " is more than "
                            + MAX_SPAN_WINDOWS
                            + " windows ahead of the asset's oldest open window ("
                            + window.origin
                            + "); is its clock wrong?");
            state.update(window);
            return;
        }
        long newestRow = Math.floorDiv(Math.max(window.newest, ts), period);
        window.ensureCapacity(Math.floorDiv(window.origin, period), newestRow, channels);
        window.put(row, reading.values());
        window.newest = Math.max(window.newest, ts);
        windowed.inc();
        state.update(window);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext context, Collector<WindowTensor> out)
            throws Exception {
        AssetWindow window = state.value();
        long end = timestamp + 1;
        long start = end - length;
        long firstRow = Math.floorDiv(start, period);

        int filledRows = 0;
        for (int r = 0; r < rows; r++) {
            if (window.filled[slot(window, firstRow + r)]) {
                filledRows++;
            }
        }
        if (filledRows >= minFilledRows && filledRows > 0) {
            out.collect(
                    new WindowTensor(
                            context.getCurrentKey(),
                            start,
                            end,
                            tensor(window, firstRow),
                            filledRows));
        } else {
            skipped.inc();
        }

        long nextStart = start + hop;
        window.clear(firstRow, Math.floorDiv(nextStart, period));
        window.origin = nextStart;
        window.lastEnd = end;
        if (window.newest >= nextStart) {
            window.pendingEnd = end + hop;
            context.timerService().registerEventTimeTimer(end + hop - 1);
        } else {
            window.pendingEnd = Long.MIN_VALUE;
        }
        state.update(window);
    }

    /** Copies the window's rows into a tensor, filling empty rows from their neighbours. */
    private float[] tensor(AssetWindow window, long firstRow) {
        float[] tensor = new float[rows * channels];
        int firstFilled = -1;
        for (int r = 0; r < rows; r++) {
            int slot = slot(window, firstRow + r);
            if (window.filled[slot]) {
                System.arraycopy(window.values, slot * channels, tensor, r * channels, channels);
                if (firstFilled < 0) {
                    firstFilled = r;
                }
            } else if (firstFilled >= 0) {
                System.arraycopy(tensor, (r - 1) * channels, tensor, r * channels, channels);
            }
        }
        for (int r = 0; r < firstFilled; r++) {
            System.arraycopy(tensor, firstFilled * channels, tensor, r * channels, channels);
        }
        return tensor;
    }

    private void reject(Reading reading, Context context, String reason) {
        late.inc();
        byte[] payload = describe(reading).getBytes(StandardCharsets.UTF_8);
        long now = context.timerService().currentProcessingTime();
        context.output(
                LATE, DeadLetters.of(pipeline, lateTopic, reading.asset(), payload, reason, now));
    }

    private static int slot(AssetWindow window, long row) {
        return (int) Math.floorMod(row, (long) window.capacity());
    }

    private static String describe(Reading reading) {
        return "{\"asset\":\""
                + reading.asset()
                + "\",\"ts\":"
                + reading.timestamp()
                + ",\"values\":"
                + Arrays.toString(reading.values())
                + "}";
    }
}
