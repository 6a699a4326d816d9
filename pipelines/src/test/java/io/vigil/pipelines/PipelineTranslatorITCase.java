package io.vigil.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.pipelines.internal.TestPipelines;
import io.vigil.pipelines.spec.PipelineSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole translated graph on a MiniCluster with a bounded input: decode, event time, windows,
 * batched ONNX scoring with the tiny test model (output = half the input, so scores are known), and
 * result events. The end of input moves event time to the end, so every window is scored.
 */
class PipelineTranslatorITCase {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final ObjectMapper JSON = new ObjectMapper();

    /** At parallelism 1 the windows chain onto the decoders; at 2 the readings are shuffled. */
    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 2})
    void scoresWindowsAndPublishesAnomaliesHealthAndDeadLetters(int parallelism) throws Exception {
        PipelineSpec spec =
                TestPipelines.tiny("output: {scores: {topic: 'scores/{pipeline}/{asset}'}}\n");
        List<InboundMessage> input = new ArrayList<>();
        for (long ts = 0; ts < 1600; ts += 100) {
            // p1 sits on the card's mean: score 0. p2 is off by 2 std on a and 4 on b:
            // channel errors 2^2/4 = 1 and 4^2/4 = 4, score 2.5 > threshold 1.
            input.add(message("plant/p1/data", "{\"ts\":" + ts + ",\"a\":10,\"b\":0}"));
            input.add(message("plant/p2/data", "{\"ts\":" + ts + ",\"a\":14,\"b\":4}"));
        }
        input.add(message("plant/p3/data", "{\"ts\":1, \"a\":\"x\"}"));
        input.add(message("other/p1/data", "{\"ts\":1,\"a\":1,\"b\":1}"));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        PipelineStreams streams =
                PipelineTranslator.translate(
                        spec,
                        env.fromData(
                                TypeInformation.of(InboundMessage.class),
                                input.toArray(InboundMessage[]::new)));
        List<OutboundMessage> out = new ArrayList<>();
        streams.results().union(streams.plant()).executeAndCollect().forEachRemaining(out::add);

        // Windows end at 400, 800, 1200, 1600 and 2000; each holds at least 4 of its 8 rows.
        List<JsonNode> scores = payloads(out, "scores/tiny/p2");
        assertThat(scores)
                .extracting(e -> e.path("windowEnd").asText())
                .containsExactlyInAnyOrder(
                        "1970-01-01T00:00:00.400Z",
                        "1970-01-01T00:00:00.800Z",
                        "1970-01-01T00:00:01.200Z",
                        "1970-01-01T00:00:01.600Z",
                        "1970-01-01T00:00:02Z");
        assertThat(scores)
                .allSatisfy(
                        s -> {
                            assertThat(s.path("score").asDouble())
                                    .isEqualTo(2.5, org.assertj.core.data.Offset.offset(1e-5));
                            assertThat(s.path("alarm").asBoolean()).isTrue();
                        });

        // One fault, one event: raised by the first window, never cleared.
        List<JsonNode> anomalies = payloads(out, "results/tiny/p2/anomaly");
        assertThat(anomalies).hasSize(1);
        JsonNode first = anomalies.get(0);
        assertThat(first.path("schema").asText()).isEqualTo("vigil.result/2");
        assertThat(first.path("state").asText()).isEqualTo("raised");
        assertThat(first.path("time").asText()).isEqualTo("1970-01-01T00:00:00.400Z");
        assertThat(first.path("score").asDouble())
                .isEqualTo(2.5, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(first.path("threshold").asDouble()).isEqualTo(1.0);
        assertThat(first.path("channels").get(0).path("name").asText()).isEqualTo("b");
        assertThat(first.path("channels").get(0).path("error").asDouble())
                .isEqualTo(4.0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(first.path("channels").get(1).path("name").asText()).isEqualTo("a");
        assertThat(first.path("model").path("name").asText()).isEqualTo("tiny-ae");

        assertThat(payloads(out, "results/tiny/p1/anomaly")).isEmpty();
        List<JsonNode> health = payloads(out, "results/tiny/p1/health");
        assertThat(health).hasSize(1);
        assertThat(health.get(0).path("status").asText()).isEqualTo("ok");
        assertThat(health.get(0).path("score").asDouble()).isEqualTo(0.0);
        assertThat(
                        out.stream()
                                .filter(m -> m.topic().equals("results/tiny/p1/health"))
                                .allMatch(OutboundMessage::retain))
                .isTrue();

        List<JsonNode> deadLetters = payloads(out, "vigil/dead-letter/tiny");
        assertThat(deadLetters).hasSize(1);
        assertThat(deadLetters.get(0).path("reason").asText())
                .isEqualTo("field 'a' must be a number, found the text 'x'");
    }

    @Test
    void readingsAreShuffledByAssetOnlyWhenTheWindowsRunInMoreThanOneSubtask() {
        assertThat(vertexNames(1))
                .anySatisfy(
                        v -> assertThat(v).contains("tiny: decode json", "tiny: sliding window"));
        assertThat(vertexNames(2))
                .noneSatisfy(
                        v -> assertThat(v).contains("tiny: decode json", "tiny: sliding window"))
                .anySatisfy(v -> assertThat(v).contains("tiny: sliding window"));
    }

    private static List<String> vertexNames(int parallelism) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        PipelineStreams streams =
                PipelineTranslator.translate(
                        TestPipelines.tiny(""),
                        env.fromData(
                                TypeInformation.of(InboundMessage.class),
                                message("plant/p1/data", "{\"ts\":0,\"a\":1,\"b\":1}")));
        streams.results().sinkTo(new DiscardingSink<>());
        List<String> names = new ArrayList<>();
        env.getStreamGraph().getJobGraph().getVertices().forEach(v -> names.add(v.getName()));
        return names;
    }

    @Test
    void eventIdsAreTheSameWhenTheInputIsReplayed() throws Exception {
        PipelineSpec spec = TestPipelines.tiny("");
        List<String> first = anomalyIds(spec);
        assertThat(first).isNotEmpty();
        assertThat(anomalyIds(spec)).containsExactlyInAnyOrderElementsOf(first);
    }

    private static List<String> anomalyIds(PipelineSpec spec) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        InboundMessage[] input = new InboundMessage[8];
        for (int i = 0; i < input.length; i++) {
            input[i] = message("plant/p2/data", "{\"ts\":" + i * 100 + ",\"a\":14,\"b\":4}");
        }
        List<String> ids = new ArrayList<>();
        PipelineStreams streams =
                PipelineTranslator.translate(
                        spec, env.fromData(TypeInformation.of(InboundMessage.class), input));
        streams.results()
                .executeAndCollect()
                .forEachRemaining(
                        m -> {
                            if (m.topic().endsWith("/anomaly")) {
                                ids.add(read(m).path("id").asText());
                            }
                        });
        return ids;
    }

    private static InboundMessage message(String topic, String payload) {
        return new InboundMessage(topic, payload.getBytes(StandardCharsets.UTF_8), 0L);
    }

    private static List<JsonNode> payloads(List<OutboundMessage> out, String topic) {
        return out.stream()
                .filter(m -> m.topic().equals(topic))
                .map(PipelineTranslatorITCase::read)
                .toList();
    }

    private static JsonNode read(OutboundMessage message) {
        try {
            return JSON.readTree(message.payload());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
