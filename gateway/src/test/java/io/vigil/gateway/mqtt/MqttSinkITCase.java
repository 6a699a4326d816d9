package io.vigil.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.gateway.broker.EmbeddedBroker;
import io.vigil.gateway.mqtt.internal.TopicRecorder;
import io.vigil.gateway.mqtt.internal.WindowedPublisher;
import io.vigil.gateway.testing.CuttableLink;
import io.vigil.gateway.testing.Mosquitto;
import io.vigil.gateway.testing.ReaderStatus;
import io.vigil.pipelines.InboundMessage;
import io.vigil.pipelines.OutboundMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upstream broker goes away while results keep coming: the sink holds them (backing the job up)
 * and publishes every one once the broker is back, without the job failing.
 */
class MqttSinkITCase {

    @RegisterExtension static final MiniClusterExtension CLUSTER = new MiniClusterExtension();

    @Test
    @Timeout(180)
    void resultsProducedWhileUpstreamIsDownArriveWhenItReturns(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker plant = EmbeddedBroker.start("127.0.0.1", 0);
                Mosquitto upstream = Mosquitto.start(dir);
                CuttableLink link = new CuttableLink(upstream.port())) {
            MqttConnectionConfig plantConnection =
                    MqttConnectionConfig.builder(plant.url()).clientIdPrefix("it-sink").build();
            MqttConnectionConfig upstreamConnection =
                    MqttConnectionConfig.builder(link.url()).clientIdPrefix("it-sink").build();

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            env.fromSource(
                            MqttSource.builder()
                                    .connection(plantConnection)
                                    .topics(List.of("in/#"))
                                    .sharedGroup(null)
                                    .build(),
                            WatermarkStrategy.noWatermarks(),
                            "mqtt")
                    .map(MqttSinkITCase::result)
                    .returns(TypeInformation.of(OutboundMessage.class))
                    .sinkTo(new MqttSink(upstreamConnection, OutboundMessage.Destination.UPSTREAM));
            JobClient job = env.executeAsync();

            try (TopicRecorder results =
                    TopicRecorder.start(
                            upstream.url(), "it-sink-dashboard", List.of("out/#"), r -> {})) {
                ReaderStatus.awaitOnline(
                        plant.url(), "it-sink", List.of("source-0"), Duration.ofSeconds(60));
                publish(plantConnection, 0, 300);
                await().atMost(Duration.ofSeconds(30)).until(() -> distinct(results) == 300);

                link.cut();
                publish(plantConnection, 300, 600);
                // The job holds the results; none can arrive while the broker is down.
                await().pollDelay(Duration.ofSeconds(2))
                        .atMost(Duration.ofSeconds(5))
                        .until(() -> job.getJobStatus().get() == JobStatus.RUNNING);
                assertThat(distinct(results)).isEqualTo(300);

                link.restore();
                await().atMost(Duration.ofSeconds(90)).until(() -> distinct(results) == 600);
                assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            } finally {
                job.cancel().get();
            }
        }
    }

    private static OutboundMessage result(InboundMessage message) {
        String n = new String(message.payload(), StandardCharsets.UTF_8);
        return new OutboundMessage(
                OutboundMessage.Destination.UPSTREAM, "out/" + n, message.payload(), 1, false);
    }

    private static long distinct(TopicRecorder results) {
        return results.received().stream().map(TopicRecorder.Received::topic).distinct().count();
    }

    private static void publish(MqttConnectionConfig connection, int from, int to)
            throws Exception {
        try (WindowedPublisher publisher =
                new WindowedPublisher(connection, "it-sink-sensor", "readings")) {
            for (int i = from; i < to; i++) {
                publisher.publish(
                        "in/x", String.valueOf(i).getBytes(StandardCharsets.UTF_8), 1, false);
            }
            publisher.awaitAcknowledged();
        }
    }
}
