package io.vigil.gateway.pipelines;

import static org.awaitility.Awaitility.await;

import io.vigil.gateway.mqtt.MqttConnectionConfig;
import io.vigil.gateway.mqtt.MqttSink;
import io.vigil.gateway.mqtt.MqttSource;
import io.vigil.gateway.mqtt.internal.WindowedPublisher;
import io.vigil.gateway.testing.ReaderStatus;
import io.vigil.pipelines.InboundMessage;
import io.vigil.pipelines.ModelInput;
import io.vigil.pipelines.OutboundMessage;
import io.vigil.pipelines.PipelineStreams;
import io.vigil.pipelines.PipelineTranslator;
import io.vigil.pipelines.spec.PipelineParser;
import io.vigil.pipelines.spec.PipelineSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Pipelines running on the test's MiniCluster behind the real MQTT source, the way the gateway
 * wires them: one reader on a plain QoS 1 subscription to the pipelines' topics, each pipeline
 * translated by {@link PipelineTranslator}, the plant side (dead letters, late readings, Sparkplug
 * rebirth requests) published by the real {@link MqttSink} on the same broker. The model inputs are
 * collected for the test to read; scoring is left out, since nothing consumes its results.
 *
 * <p>Everything runs at parallelism 1, so a reading's place in the stream, and hence in event time,
 * is the order in which it was published.
 */
final class PipelineJob implements AutoCloseable {

    /** A round epoch to start event time at: a multiple of every window length used here. */
    static final long T0 = 1_700_000_000_000L;

    private static final Map<String, List<ModelInput>> WINDOWS = new ConcurrentHashMap<>();

    private final String run;
    private final JobClient job;
    private final WindowedPublisher publisher;

    private PipelineJob(String run, JobClient job, WindowedPublisher publisher) {
        this.run = run;
        this.job = job;
        this.publisher = publisher;
    }

    /** A pipeline on the tiny test model, from complete YAML text. */
    static PipelineSpec pipeline(String yaml) {
        return PipelineParser.parse("test.yaml", yaml, Path.of("."));
    }

    /**
     * Starts the job and returns once its source reader is subscribed, so nothing published after
     * this is missed.
     */
    static PipelineJob start(String brokerUrl, PipelineSpec... pipelines) throws Exception {
        String run = UUID.randomUUID().toString();
        String prefix = "it-" + run.substring(0, 8);
        MqttConnectionConfig plant =
                MqttConnectionConfig.builder(brokerUrl).clientIdPrefix(prefix).build();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        Set<String> topics = new LinkedHashSet<>();
        for (PipelineSpec pipeline : pipelines) {
            topics.addAll(pipeline.source().filters());
        }
        SingleOutputStreamOperator<InboundMessage> messages =
                env.fromSource(
                                MqttSource.builder()
                                        .connection(plant)
                                        .topics(new ArrayList<>(topics))
                                        .qos(1)
                                        .sharedGroup(null)
                                        .build(),
                                WatermarkStrategy.noWatermarks(),
                                "mqtt: plant")
                        .setParallelism(1);
        DataStream<ModelInput> windows = null;
        DataStream<OutboundMessage> plantSide = null;
        for (PipelineSpec pipeline : pipelines) {
            PipelineStreams streams = PipelineTranslator.translate(pipeline, messages);
            windows = windows == null ? streams.windows() : windows.union(streams.windows());
            plantSide = plantSide == null ? streams.plant() : plantSide.union(streams.plant());
        }
        WINDOWS.put(run, new CopyOnWriteArrayList<>());
        windows.sinkTo(new WindowSink(run)).name("model inputs");
        plantSide
                .sinkTo(new MqttSink(plant, OutboundMessage.Destination.PLANT))
                .name("mqtt: plant");
        JobClient job = env.executeAsync("pipeline-it-" + prefix);
        try {
            ReaderStatus.awaitOnline(
                    brokerUrl, prefix, List.of("source-0"), Duration.ofSeconds(60));
            return new PipelineJob(
                    run, job, new WindowedPublisher(plant, prefix + "-sensors", "readings"));
        } catch (Exception | Error e) {
            job.cancel().get();
            throw e;
        }
    }

    JobClient job() {
        return job;
    }

    /**
     * Publishes at QoS 1 and waits for the broker's acknowledgement, so that messages reach the job
     * in the order of these calls.
     */
    void publish(String topic, byte[] payload) throws InterruptedException {
        publisher.publish(topic, payload, 1, false);
        publisher.awaitAcknowledged();
    }

    void publish(String topic, String payload) throws InterruptedException {
        publish(topic, payload.getBytes(StandardCharsets.UTF_8));
    }

    /** The model inputs so far, in the order they were emitted. */
    List<Window> windows() {
        return WINDOWS.get(run).stream().map(Window::of).toList();
    }

    /** Waits until {@code count} windows have been emitted and returns them. */
    List<Window> awaitWindows(int count) {
        await().atMost(Duration.ofSeconds(60)).until(() -> WINDOWS.get(run).size() >= count);
        return windows();
    }

    @Override
    public void close() throws Exception {
        try {
            publisher.close();
        } finally {
            job.cancel().get();
            WINDOWS.remove(run);
        }
    }

    /**
     * A {@link ModelInput} with its tensor boxed, so that equality compares the values exactly.
     *
     * @param data the tensor, time-major: row 0's channels a and b, then row 1's, ...
     */
    record Window(String asset, long start, long end, int coveredRows, List<Float> data) {

        static Window of(ModelInput input) {
            List<Float> data = new ArrayList<>(input.data().length);
            for (float value : input.data()) {
                data.add(value);
            }
            return new Window(input.asset(), input.start(), input.end(), input.coveredRows(), data);
        }
    }

    /** The expected window of {@code asset} from {@code start} to {@code start + 800}. */
    static Window window(String asset, long start, int coveredRows, List<Float> data) {
        return new Window(asset, start, start + 800, coveredRows, data);
    }

    /** A tensor written as its rows, each the values of channels a and b: {@code "10 0.25"}. */
    static List<Float> rows(String... rows) {
        List<Float> data = new ArrayList<>();
        for (String row : rows) {
            for (String value : row.trim().split("\\s+")) {
                data.add(Float.parseFloat(value));
            }
        }
        return data;
    }

    /** Collects the model inputs into memory; the MiniCluster runs in the test's JVM. */
    private static final class WindowSink implements Sink<ModelInput> {

        private final String run;

        WindowSink(String run) {
            this.run = run;
        }

        @Override
        public SinkWriter<ModelInput> createWriter(WriterInitContext context) {
            List<ModelInput> windows = WINDOWS.get(run);
            return new SinkWriter<>() {
                @Override
                public void write(ModelInput element, Context ctx) {
                    windows.add(element);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
