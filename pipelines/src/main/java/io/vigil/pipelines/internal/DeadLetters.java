package io.vigil.pipelines.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.pipelines.OutboundMessage;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Builds dead-letter records: the reason, where the message came from and its payload, as UTF-8
 * text when it is text and as base64 otherwise, so nothing is lost and an operator can replay it.
 */
final class DeadLetters {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DeadLetters() {}

    /** A message that could not be decoded: where it came from, why, and its payload. */
    static OutboundMessage of(
            String pipeline,
            String topic,
            int qos,
            String sourceTopic,
            byte[] payload,
            String reason,
            long receivedAt) {
        return letter(pipeline, topic, qos, "topic", sourceTopic, payload, reason, receivedAt);
    }

    /** A decoded reading that came too late for its windows: its asset, why, and the reading. */
    static OutboundMessage late(
            String pipeline,
            String topic,
            int qos,
            String asset,
            byte[] reading,
            String reason,
            long processedAt) {
        return letter(pipeline, topic, qos, "asset", asset, reading, reason, processedAt);
    }

    private static OutboundMessage letter(
            String pipeline,
            String topic,
            int qos,
            String originKey,
            String origin,
            byte[] payload,
            String reason,
            long receivedAt) {
        ObjectNode letter = JSON.createObjectNode();
        letter.put("schema", "vigil.dead-letter/1");
        letter.put("pipeline", pipeline);
        letter.put("reason", reason);
        letter.put(originKey, origin);
        letter.put("receivedAt", receivedAt);
        String text = new String(payload, StandardCharsets.UTF_8);
        if (java.util.Arrays.equals(text.getBytes(StandardCharsets.UTF_8), payload)) {
            letter.put("payload", text);
        } else {
            letter.put("payloadBase64", Base64.getEncoder().encodeToString(payload));
        }
        try {
            return new OutboundMessage(
                    OutboundMessage.Destination.PLANT,
                    topic,
                    JSON.writeValueAsBytes(letter),
                    qos,
                    false);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a dead letter.", e);
        }
    }
}
