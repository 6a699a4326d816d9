package io.vigil.pipelines.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.models.ModelCard;
import io.vigil.pipelines.OutboundMessage;
import io.vigil.pipelines.PipelineMetrics;
import io.vigil.pipelines.spec.PipelineSpec;
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
 * Turns scored windows into result events: an anomaly event for every window over the threshold,
 * and a retained health message per asset on its first window and then once per health interval of
 * event time. The JSON is documented in {@code docs/results.md} and {@code
 * config/schema/result-event.schema.json}. Event ids are derived from pipeline, asset, type and
 * window end, so a replayed window yields the same id and a consumer can drop the duplicate.
 */
public final class ResultEmitter
        extends KeyedProcessFunction<String, ScoredWindow, OutboundMessage> {

    /** The result schema version, in every event. */
    public static final String SCHEMA = "vigil.result/1";

    private final String pipeline;
    private final String anomalyTopic;
    private final String healthTopic;
    private final long healthInterval;
    private final int qos;
    private final int topChannels;
    private final double threshold;
    private final String modelName;
    private final String modelVersion;
    private final List<String> channels;

    private transient ObjectMapper json;
    private transient ValueState<AssetHealth> health;
    private transient Counter eventsOut;
    private transient Counter anomalies;

    public ResultEmitter(PipelineSpec spec) {
        ModelCard card = spec.model().card();
        this.pipeline = spec.name();
        this.anomalyTopic = spec.output().anomalyTopic().replace("{pipeline}", spec.name());
        this.healthTopic = spec.output().healthTopic().replace("{pipeline}", spec.name());
        this.healthInterval = spec.output().healthInterval().toMillis();
        this.qos = spec.output().qos();
        this.topChannels = Math.min(spec.output().topChannels(), card.channelCount());
        this.threshold = spec.model().threshold();
        this.modelName = card.name();
        this.modelVersion = card.version();
        this.channels = card.channels();
    }

    @Override
    public void open(OpenContext openContext) {
        json = new ObjectMapper();
        health =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("health", AssetHealth.class));
        MetricGroup metrics = PipelineMetrics.group(getRuntimeContext().getMetricGroup(), pipeline);
        eventsOut = metrics.counter(PipelineMetrics.EVENTS_OUT);
        anomalies = metrics.counter(PipelineMetrics.ANOMALIES);
    }

    @Override
    public void processElement(ScoredWindow window, Context context, Collector<OutboundMessage> out)
            throws Exception {
        boolean anomalous = window.score() > threshold;
        if (anomalous) {
            ObjectNode event = event("anomaly", window, anomalous);
            out.collect(message(anomalyTopic, window.asset(), event, false));
            anomalies.inc();
            eventsOut.inc();
        }

        AssetHealth state = health.value();
        if (state == null) {
            state = new AssetHealth();
        }
        state.windows++;
        state.anomalousWindows += anomalous ? 1 : 0;
        state.maxScore = Math.max(state.maxScore, window.score());
        if (state.lastReportEnd == Long.MIN_VALUE
                || window.end() - state.lastReportEnd >= healthInterval) {
            ObjectNode event = event("health", window, anomalous);
            event.put("status", state.anomalousWindows > 0 ? "anomalous" : "ok");
            event.put("windows", state.windows);
            event.put("anomalousWindows", state.anomalousWindows);
            event.put("maxScore", state.maxScore);
            out.collect(message(healthTopic, window.asset(), event, true));
            eventsOut.inc();
            state.reset(window.end());
        }
        health.update(state);
    }

    private ObjectNode event(String type, ScoredWindow window, boolean anomalous) {
        ObjectNode event = json.createObjectNode();
        event.put("schema", SCHEMA);
        event.put("type", type);
        event.put("id", eventId(type, window));
        event.put("pipeline", pipeline);
        event.put("asset", window.asset());
        event.put("windowStart", Instant.ofEpochMilli(window.start()).toString());
        event.put("windowEnd", Instant.ofEpochMilli(window.end()).toString());
        event.put("score", window.score());
        event.put("threshold", threshold);
        event.put("anomaly", anomalous);
        ArrayNode blamed = event.putArray("channels");
        for (int c : worstChannels(window.channelErrors())) {
            blamed.addObject().put("name", channels.get(c)).put("error", window.channelErrors()[c]);
        }
        event.putObject("model").put("name", modelName).put("version", modelVersion);
        return event;
    }

    private String eventId(String type, ScoredWindow window) {
        String key = pipeline + '\n' + window.asset() + '\n' + type + '\n' + window.end();
        return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
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

    private OutboundMessage message(String template, String asset, ObjectNode event, boolean retain)
            throws JsonProcessingException {
        return new OutboundMessage(
                OutboundMessage.Destination.UPSTREAM,
                template.replace("{asset}", asset),
                json.writeValueAsBytes(event),
                qos,
                retain);
    }
}
