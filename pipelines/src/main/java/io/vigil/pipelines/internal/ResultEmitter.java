package io.vigil.pipelines.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.vigil.models.ModelCard;
import io.vigil.pipelines.OutboundMessage;
import io.vigil.pipelines.PipelineMetrics;
import io.vigil.pipelines.spec.PipelineSpec;
import io.vigil.pipelines.spec.PipelineSpec.Detect;
import io.vigil.pipelines.spec.PipelineSpec.Stream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns each asset's scored windows into results: the threshold in force (fixed, or calibrated on
 * the asset's own first windows), alarm episodes (debounce, hysteresis, cooldown; see {@code
 * docs/thresholds.md}) with one event when an alarm is raised and one when it clears, a health
 * message per asset on its first window and then once per interval, and optionally every window's
 * score. Each output has its per-asset rate limit; held-back messages are counted.
 *
 * <p>The JSON is documented in {@code docs/results.md} and {@code
 * config/schema/result-event.schema.json}. Event ids are derived from pipeline, asset, type, state
 * and window end, so a replayed window yields the same id and a consumer can drop the duplicate.
 *
 * <p>Calibration, alarm and health live in separate keyed states, so a restart from a savepoint
 * keeps an asset's calibrated threshold even when detection settings such as the risk change.
 */
public final class ResultEmitter
        extends KeyedProcessFunction<String, ScoredWindow, OutboundMessage> {

    /** The result schema version, in every message. */
    public static final String SCHEMA = "vigil.result/2";

    private final String pipeline;
    private final Detect detect;
    private final PipelineSpec.Output output;
    private final String modelName;
    private final String modelVersion;
    private final List<String> channels;
    private final int topChannels;

    private transient JsonFactory json;
    private transient ByteArrayBuilder buffer;
    private transient ValueState<PotCalibration> calibration;
    private transient ValueState<AlarmState> alarm;
    private transient ValueState<AssetHealth> health;
    private transient ValueState<RateLimiter> eventLimit;
    private transient ValueState<RateLimiter> healthLimit;
    private transient ValueState<RateLimiter> scoreLimit;
    private transient Counter messagesOut;
    private transient Counter alarms;
    private transient Counter rateLimited;
    private transient Counter skipped;

    public ResultEmitter(PipelineSpec spec) {
        ModelCard card = spec.model().card();
        this.pipeline = spec.name();
        this.detect = spec.detect();
        this.output = spec.output();
        this.modelName = card.name();
        this.modelVersion = card.version();
        this.channels = card.channels();
        this.topChannels = Math.min(output.topChannels(), card.channelCount());
    }

    @Override
    public void open(OpenContext openContext) {
        json = new JsonFactory();
        buffer = new ByteArrayBuilder(512);
        calibration = state("calibration", PotCalibration.class);
        alarm = state("alarm", AlarmState.class);
        health = state("health", AssetHealth.class);
        eventLimit = state("events-rate", RateLimiter.class);
        healthLimit = state("health-rate", RateLimiter.class);
        scoreLimit = state("scores-rate", RateLimiter.class);
        MetricGroup metrics = PipelineMetrics.group(getRuntimeContext().getMetricGroup(), pipeline);
        messagesOut = metrics.counter(PipelineMetrics.EVENTS_OUT);
        alarms = metrics.counter(PipelineMetrics.ANOMALIES);
        rateLimited = metrics.counter(PipelineMetrics.RATE_LIMITED);
        skipped = metrics.counter(PipelineMetrics.WINDOWS_SKIPPED);
    }

    private <T> ValueState<T> state(String name, Class<T> type) {
        return getRuntimeContext().getState(new ValueStateDescriptor<>(name, type));
    }

    @Override
    public void processElement(ScoredWindow window, Context context, Collector<OutboundMessage> out)
            throws Exception {
        if (!Double.isFinite(window.score())) {
            // Only a model fed values it was never meant to see scores NaN: nothing to judge.
            skipped.inc();
            return;
        }
        double threshold = threshold(window.score());
        AlarmState alarmState = alarm.value();
        if (alarmState == null) {
            alarmState = new AlarmState();
        }
        boolean over = false;
        if (!Double.isNaN(threshold)) {
            // Remaining life is bad when low: negating both sides lets one alarm serve both.
            double sign = detect.lowIsBad() ? -1 : 1;
            AlarmState.Transition transition =
                    alarmState.update(
                            window.end(),
                            sign * window.score(),
                            sign * threshold,
                            sign * threshold * detect.clearRatio(),
                            detect.k(),
                            detect.n(),
                            detect.cooldown().toMillis());
            over = sign * window.score() > sign * threshold;
            if (transition != AlarmState.Transition.NONE) {
                boolean raised = transition == AlarmState.Transition.RAISED;
                String state = raised ? "raised" : "cleared";
                if (raised) {
                    alarms.inc();
                }
                AlarmState episode = alarmState;
                Fields event =
                        g -> {
                            g.writeStringField("state", state);
                            if (output.events().has("episode")) {
                                g.writeObjectFieldStart("episode");
                                g.writeStringField("start", iso(episode.episodeStart()));
                                g.writeNumberField(
                                        "peakScore",
                                        detect.lowIsBad()
                                                ? -episode.peakScore()
                                                : episode.peakScore());
                                g.writeNumberField("windowsOver", episode.windowsOver());
                                g.writeEndObject();
                            }
                        };
                if (raised || alarmState.announced) {
                    // A clear always follows its published raise, whatever the rate limit says.
                    boolean sent =
                            send(
                                    output.events(),
                                    raised ? eventLimit : null,
                                    detect.event(),
                                    state,
                                    window,
                                    threshold,
                                    event,
                                    out);
                    alarmState.announced = raised && sent;
                } else {
                    rateLimited.inc();
                }
            }
            alarm.update(alarmState);
        }

        AssetHealth stats = health.value();
        if (stats == null) {
            stats = new AssetHealth();
        }
        stats.windows++;
        stats.anomalousWindows += over ? 1 : 0;
        stats.maxScore =
                stats.windows == 1 ? window.score() : Math.max(stats.maxScore, window.score());
        if (output.health().enabled()
                && (stats.lastReportEnd == Long.MIN_VALUE
                        || window.end() - stats.lastReportEnd
                                >= output.health().interval().toMillis())) {
            String status = status(threshold, alarmState);
            AssetHealth reported = stats;
            Fields health =
                    g -> {
                        g.writeStringField("status", status);
                        if (output.health().has("stats")) {
                            g.writeObjectFieldStart("stats");
                            g.writeNumberField("windows", reported.windows);
                            g.writeNumberField("windowsOver", reported.anomalousWindows);
                            g.writeNumberField("maxScore", reported.maxScore);
                            g.writeEndObject();
                        }
                    };
            if (send(output.health(), healthLimit, "health", "", window, threshold, health, out)) {
                stats.reset(window.end());
            }
        }
        health.update(stats);

        if (output.scores().enabled()) {
            boolean alarmActive = alarmState.active();
            send(
                    output.scores(),
                    scoreLimit,
                    "score",
                    "",
                    window,
                    threshold,
                    g -> g.writeBooleanField("alarm", alarmActive),
                    out);
        }
    }

    /** The asset's threshold now; NaN while it is still being calibrated (or none is set). */
    private double threshold(double score) throws Exception {
        PipelineSpec.Calibration settings = detect.calibration();
        if (settings == null) {
            return detect.threshold();
        }
        PotCalibration state = calibration.value();
        if (state == null) {
            state = new PotCalibration();
        }
        if (!state.calibrated()) {
            state.add(score, settings.windows(), settings.initialQuantile());
            calibration.update(state);
            return Double.NaN;
        }
        return state.threshold(settings.risk());
    }

    private String status(double threshold, AlarmState alarmState) {
        if (Double.isNaN(threshold)) {
            return detect.calibration() != null ? "calibrating" : "ok";
        }
        return alarmState.active() ? detect.event() : "ok";
    }

    /** The fields every message of {@code stream} starts with, as its {@code fields} choose. */
    private void writeCommon(
            JsonGenerator g, Stream stream, String type, ScoredWindow window, double threshold)
            throws IOException {
        g.writeStringField("schema", SCHEMA);
        g.writeStringField("type", type);
        g.writeStringField("pipeline", pipeline);
        g.writeStringField("asset", window.asset());
        String end = iso(window.end());
        g.writeStringField("time", end);
        if (stream.has("window")) {
            g.writeStringField("windowStart", iso(window.start()));
            g.writeStringField("windowEnd", end);
        }
        if (stream.has("score")) {
            g.writeNumberField("score", window.score());
        }
        if (stream.has("threshold")) {
            if (Double.isNaN(threshold)) {
                g.writeNullField("threshold");
            } else {
                g.writeNumberField("threshold", threshold);
            }
        }
        if (stream.has("channels") && !detect.lowIsBad()) {
            g.writeArrayFieldStart("channels");
            for (int c : worstChannels(window.channelErrors())) {
                g.writeStartObject();
                g.writeStringField("name", channels.get(c));
                g.writeNumberField("error", window.channelErrors()[c]);
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (stream.has("model")) {
            g.writeObjectFieldStart("model");
            g.writeStringField("name", modelName);
            g.writeStringField("version", modelVersion);
            g.writeEndObject();
        }
    }

    /** The fields a kind of message adds after the common ones. */
    @FunctionalInterface
    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    /**
     * Writes and publishes a message unless the stream is off or its rate limit holds it back: the
     * common fields, then {@code fields}, then the event id. The JSON is written straight to bytes,
     * one message per window on the hot path, without building a tree first.
     */
    private boolean send(
            Stream stream,
            ValueState<RateLimiter> limit,
            String type,
            String state,
            ScoredWindow window,
            double threshold,
            Fields fields,
            Collector<OutboundMessage> out)
            throws Exception {
        if (!stream.enabled()) {
            return false;
        }
        if (limit != null && stream.ratePerSecond() > 0) {
            RateLimiter limiter = limit.value();
            if (limiter == null) {
                limiter = new RateLimiter();
            }
            boolean allowed =
                    limiter.tryAcquire(
                            window.end(),
                            stream.ratePerSecond(),
                            (int) Math.max(1, Math.ceil(stream.ratePerSecond())));
            limit.update(limiter);
            if (!allowed) {
                rateLimited.inc();
                return false;
            }
        }
        buffer.reset();
        try (JsonGenerator g = json.createGenerator(buffer)) {
            g.writeStartObject();
            writeCommon(g, stream, type, window, threshold);
            fields.write(g);
            if (stream.has("id")) {
                g.writeStringField("id", eventId(type + '/' + state, window));
            }
            g.writeEndObject();
        }
        String topic =
                stream.topic()
                        .replace("{pipeline}", pipeline)
                        .replace("{asset}", window.asset())
                        .replace("{type}", type);
        out.collect(
                new OutboundMessage(
                        OutboundMessage.Destination.UPSTREAM,
                        topic,
                        buffer.toByteArray(),
                        stream.qos(),
                        stream.retain(),
                        window.closedAtMicros()));
        messagesOut.inc();
        return true;
    }

    private String eventId(String type, ScoredWindow window) {
        String key = pipeline + '\n' + window.asset() + '\n' + type + '\n' + window.end();
        return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static String iso(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }

    /** Indices of the channels with the largest errors, worst first. */
    private int[] worstChannels(float[] errors) {
        int[] order = new int[topChannels];
        boolean[] taken = new boolean[errors.length];
        for (int k = 0; k < topChannels; k++) {
            int worst = -1;
            for (int c = 0; c < errors.length; c++) {
                if (!taken[c] && (worst < 0 || errors[c] > errors[worst])) {
                    worst = c;
                }
            }
            taken[worst] = true;
            order[k] = worst;
        }
        return order;
    }
}
