package io.vigil.gateway.mqtt.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The retained status message of each source reader on {@code vigil/status/<client-id-prefix>/
 * source-<n>}: {@code online} once its subscription is active, {@code stopped} after a clean
 * shutdown, and {@code offline} (its MQTT will) when it vanished.
 */
public final class SourceStatus {

    private SourceStatus() {}

    public static String topic(String clientIdPrefix, int reader) {
        return "vigil/status/" + clientIdPrefix + "/source-" + reader;
    }

    /** A filter matching every reader's status of one gateway. */
    public static String filter(String clientIdPrefix) {
        return "vigil/status/" + clientIdPrefix + "/+";
    }

    static byte[] payload(String state, List<String> topics) {
        String json =
                "{\"state\":\""
                        + state
                        + "\",\"since\":"
                        + System.currentTimeMillis()
                        + ",\"topics\":["
                        + topics.stream()
                                .map(t -> "\"" + t.replace("\"", "\\\"") + "\"")
                                .collect(Collectors.joining(","))
                        + "]}";
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
