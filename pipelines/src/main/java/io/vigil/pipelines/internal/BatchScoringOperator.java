package io.vigil.pipelines.internal;

import io.vigil.models.ModelLocation;
import io.vigil.models.WindowScorer;
import io.vigil.pipelines.ModelInput;
import io.vigil.pipelines.PipelineMetrics;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Scores windows with the model in micro-batches: one ONNX Runtime call for many windows costs
 * little more than for one.
 *
 * <p>A batch is scored when it is full, when its oldest window has waited {@code maxDelayMillis},
 * and whenever a watermark arrives. The last is what makes batching free: one watermark fires
 * together every window that ends before it (all assets' windows, when they end on the same hop;
 * those of the assets whose phase it passed, when windows are staggered), and the batch is scored
 * before the watermark moves on. Buffered windows are scored before every checkpoint barrier and at
 * the end of input, so none is lost. The session is opened in {@link #open()} and freed in {@link
 * #close()}.
 *
 * <p>At most one processing-time timer is pending: a batch that fills before its delay leaves the
 * timer for the next batch, which it checks and re-arms for. A timer per batch cost a wake-up of
 * Flink's timer thread and a mail to the task thread every 32 windows, about a thousand a second at
 * full load.
 */
public final class BatchScoringOperator extends AbstractStreamOperator<ScoredWindow>
        implements OneInputStreamOperator<ModelInput, ScoredWindow> {

    private final String pipeline;
    private final ModelLocation location;
    private final int batchSize;
    private final long maxDelayMillis;

    private transient WindowScorer scorer;
    private transient ModelInput[] batch;
    private transient float[] input;
    private transient float[] channelErrors;
    private transient double[] scores;
    private transient int buffered;
    // When the batch in the buffer must be scored at the latest, and whether a timer is pending.
    private transient long batchDue;
    private transient boolean timerPending;
    private transient Counter scored;

    public BatchScoringOperator(
            String pipeline, ModelLocation location, int batchSize, long maxDelayMillis) {
        this.pipeline = pipeline;
        this.location = location;
        this.batchSize = batchSize;
        this.maxDelayMillis = maxDelayMillis;
    }

    @Override
    public void open() throws Exception {
        super.open();
        scorer = WindowScorer.open(location);
        int windowSize = scorer.card().windowSize();
        batch = new ModelInput[batchSize];
        input = new float[batchSize * windowSize];
        channelErrors = new float[batchSize * scorer.card().channelCount()];
        scores = new double[batchSize];
        scored =
                PipelineMetrics.group(getMetricGroup(), pipeline)
                        .counter(PipelineMetrics.WINDOWS_SCORED);
    }

    @Override
    public void processElement(StreamRecord<ModelInput> element) {
        ModelInput window = element.getValue();
        int windowSize = window.data().length;
        System.arraycopy(window.data(), 0, input, buffered * windowSize, windowSize);
        batch[buffered++] = window;
        if (buffered == batchSize) {
            flush();
        } else if (buffered == 1) {
            batchDue = getProcessingTimeService().getCurrentProcessingTime() + maxDelayMillis;
            if (!timerPending) {
                armTimer();
            }
        }
    }

    private void armTimer() {
        timerPending = true;
        getProcessingTimeService().registerTimer(batchDue, this::onTimer);
    }

    private void onTimer(long time) {
        timerPending = false;
        if (buffered == 0) {
            return;
        }
        // The batch this timer was set for may have been scored already; a later one is waiting.
        if (time >= batchDue) {
            flush();
        } else {
            armTimer();
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    private void flush() {
        if (buffered == 0) {
            return;
        }
        int channels = scorer.card().channelCount();
        scorer.score(input, buffered, channelErrors, scores);
        for (int i = 0; i < buffered; i++) {
            ModelInput window = batch[i];
            float[] errors = new float[channels];
            System.arraycopy(channelErrors, i * channels, errors, 0, channels);
            output.collect(
                    new StreamRecord<>(
                            new ScoredWindow(
                                    window.asset(),
                                    window.start(),
                                    window.end(),
                                    scores[i],
                                    errors,
                                    window.closedAtMicros()),
                            window.end() - 1));
            batch[i] = null;
        }
        scored.inc(buffered);
        buffered = 0;
    }

    @Override
    public void close() throws Exception {
        try {
            if (scorer != null) {
                scorer.close();
            }
        } finally {
            super.close();
        }
    }
}
