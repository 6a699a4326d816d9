package io.vigil.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.gateway.mqtt.internal.SourceStatus;
import io.vigil.gateway.mqtt.internal.TopicRecorder;
import java.time.Duration;
import java.util.List;

/** Waits, as an operator's dashboard would, for source readers to report themselves online. */
public final class ReaderStatus {

    private ReaderStatus() {}

    /**
     * Blocks until exactly the given readers (e.g. {@code source-0}) of the gateway with client-id
     * prefix {@code prefix} have published {@code online} on their status topics.
     */
    public static void awaitOnline(
            String url, String prefix, List<String> readers, Duration timeout) throws Exception {
        List<String> expected =
                readers.stream().map(r -> "vigil/status/" + prefix + "/" + r).toList();
        try (TopicRecorder status =
                TopicRecorder.start(
                        url,
                        prefix + "-status-" + System.nanoTime(),
                        List.of(SourceStatus.filter(prefix)),
                        r -> {})) {
            await().atMost(timeout)
                    .untilAsserted(
                            () ->
                                    assertThat(status.received())
                                            .filteredOn(r -> r.payload().contains("\"online\""))
                                            .extracting(TopicRecorder.Received::topic)
                                            // A status published while the recorder subscribes
                                            // arrives twice: retained, and live.
                                            .containsOnlyElementsOf(expected)
                                            .containsAll(expected));
        }
    }
}
