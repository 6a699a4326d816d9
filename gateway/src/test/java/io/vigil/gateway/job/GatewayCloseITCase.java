package io.vigil.gateway.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vigil.gateway.config.GatewayConfig;
import io.vigil.gateway.mqtt.internal.MqttSourceReader;
import io.vigil.gateway.testing.ReaderStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Stopping a gateway as {@code vigil run} and {@code vigil demo} do: the job on a MiniCluster of
 * its own (no shared test cluster) and the embedded broker.
 */
class GatewayCloseITCase {

    private static final Path PIPELINE = Path.of("..", "config", "pipelines", "pump-anomaly.yaml");

    @Test
    @Timeout(120)
    void closeStopsTheJobBeforeTheEmbeddedBroker() throws Exception {
        GatewayConfig config =
                new GatewayConfig(
                        null,
                        "127.0.0.1",
                        0,
                        1,
                        "it-close",
                        "vigil",
                        Duration.ofMinutes(10),
                        null,
                        List.of(PIPELINE),
                        1,
                        Duration.ofSeconds(2),
                        Path.of(System.getProperty("java.io.tmpdir"), "vigil-it-savepoints"),
                        false,
                        Duration.ofSeconds(5));
        Logger sourceLog = (Logger) LoggerFactory.getLogger(MqttSourceReader.class);
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        sourceLog.addAppender(warnings);
        try {
            Gateway gateway = Gateway.start(config, Gateway.loadPipelines(config));
            ReaderStatus.awaitOnline(
                    gateway.plantUrl(), "it-close", List.of("source-0"), Duration.ofSeconds(60));
            JobClient job = gateway.job();
            // vigil run's main thread waits here while a stop signal's hook calls close().
            CompletableFuture<Void> running =
                    CompletableFuture.runAsync(
                            () -> {
                                try {
                                    gateway.awaitTermination();
                                } catch (Exception e) {
                                    throw new CompletionException(e);
                                }
                            });

            gateway.close();

            // The job had ended (cancelled) when close returned ...
            assertThat(job.getJobExecutionResult()).isCompletedExceptionally();
            // ... and the wait for it ends normally: a stop is no failure to report.
            assertThat(running).succeedsWithin(Duration.ofSeconds(10));
            // ... so its source never saw the broker go away: no lost connection, no reconnecting.
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .untilAsserted(
                            () ->
                                    assertThat(warnings.list)
                                            .filteredOn(
                                                    e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                                            .extracting(ILoggingEvent::getFormattedMessage)
                                            .isEmpty());
        } finally {
            sourceLog.detachAppender(warnings);
        }
    }
}
