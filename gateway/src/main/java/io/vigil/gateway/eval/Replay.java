package io.vigil.gateway.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.pipelines.InboundMessage;
import io.vigil.pipelines.OutboundMessage;
import io.vigil.pipelines.PipelineTranslator;
import io.vigil.pipelines.spec.PipelineOptions;
import io.vigil.pipelines.spec.PipelineSpec;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Replays recorded messages through a pipeline exactly as the gateway runs it (decode, event time,
 * windows, the ONNX model, thresholds and alarms) on a local Flink MiniCluster, from an in-memory
 * source instead of MQTT, and returns every window's decision.
 */
public final class Replay {

    private static final String SCORES = "eval/{asset}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Replay() {}

    /**
     * Runs {@code spec} over {@code messages}, in their order, and returns each window's result.
     */
    public static List<WindowResult> run(PipelineSpec spec, List<InboundMessage> messages)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // One subtask: the messages keep their order, and the result does not depend on timing.
        env.setParallelism(1);
        var streams =
                PipelineTranslator.translate(
                        withScores(spec),
                        env.fromData(
                                TypeInformation.of(InboundMessage.class),
                                messages.toArray(InboundMessage[]::new)));
        List<WindowResult> results = new ArrayList<>();
        try (var out = streams.results().executeAndCollect("vigil eval: " + spec.name())) {
            while (out.hasNext()) {
                OutboundMessage message = out.next();
                if (message.topic().startsWith("eval/")) {
                    results.add(read(message.payload()));
                }
            }
        }
        return results;
    }

    /** The pipeline with its score stream on, whatever its own output says. */
    static PipelineSpec withScores(PipelineSpec spec) {
        PipelineSpec.Output o = spec.output();
        PipelineSpec.Stream scores =
                new PipelineSpec.Stream(SCORES, 0, false, 0, PipelineOptions.RESULT_FIELDS, null);
        return new PipelineSpec(
                spec.name(),
                spec.file(),
                spec.source(),
                spec.time(),
                spec.window(),
                spec.model(),
                spec.detect(),
                new PipelineSpec.Output(
                        o.topChannels(),
                        o.events(),
                        o.health(),
                        scores,
                        o.deadLetters(),
                        o.late()));
    }

    private static WindowResult read(byte[] payload) throws IOException {
        JsonNode score = JSON.readTree(payload);
        return new WindowResult(
                score.path("asset").asText(),
                Instant.parse(score.path("time").asText()).toEpochMilli(),
                score.path("score").asDouble(),
                score.path("alarm").asBoolean());
    }
}
